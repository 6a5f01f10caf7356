"""Running compiled statements on the task's connection, and turning driver errors into ORM errors."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import CursorResult, Row
from sqlalchemy.sql import Executable

from covet.orm.exceptions import DatabaseError, IntegrityError
from covet.orm.transactions import connection_for, current_transaction

_SQLITE_CONSTRAINT = re.compile(r"(UNIQUE|NOT NULL|CHECK|FOREIGN KEY) constraint failed(?::\s*(.+))?")


def constraint_name(error: sa_exc.DBAPIError) -> str | None:
    """The violated constraint's name (PostgreSQL), or the columns/check SQLite reports."""
    cause: Any = error.orig
    while cause is not None:
        name = getattr(cause, "constraint_name", None)
        if name:
            return str(name)
        cause = cause.__cause__
    match = _SQLITE_CONSTRAINT.search(str(error.orig))
    if match:
        return match.group(2) or match.group(1).lower()
    return None


def translate_error(error: sa_exc.DBAPIError) -> Exception:
    """Wrap a SQLAlchemy/driver error in the ORM's error type, with a message naming the constraint."""
    detail = str(error.orig).strip().splitlines()[0] if error.orig is not None else str(error)
    if isinstance(error, sa_exc.IntegrityError):
        name = constraint_name(error)
        where = f" (constraint {name!r})" if name else ""
        return IntegrityError(f"The database refused the write{where}: {detail}", constraint=name, original=error)
    return DatabaseError(f"Database error: {detail}", original=error)


async def fetch_all(alias: str, statement: Executable) -> Sequence[Row[Any]]:
    """Run a SELECT and return all rows."""
    async with connection_for(alias) as conn:
        try:
            result = await conn.execute(statement)
            return result.all()
        except sa_exc.DBAPIError as error:
            raise translate_error(error) from error


async def fetch_scalar(alias: str, statement: Executable) -> Any:
    async with connection_for(alias) as conn:
        try:
            return (await conn.execute(statement)).scalar()
        except sa_exc.DBAPIError as error:
            raise translate_error(error) from error


async def execute_write(
    alias: str, statement: Executable, parameters: Sequence[dict[str, Any]] | dict[str, Any] | None = None
) -> CursorResult[Any]:
    """Run an INSERT/UPDATE/DELETE. Inside atomic() on PostgreSQL it runs under a savepoint, so a constraint
    violation leaves the surrounding transaction usable (PostgreSQL would otherwise abort it)."""
    async with connection_for(alias) as conn:
        guard = current_transaction(alias) is not None and conn.dialect.name == "postgresql"
        try:
            if guard:
                async with conn.begin_nested():
                    return await conn.execute(statement, parameters)
            return await conn.execute(statement, parameters)
        except sa_exc.DBAPIError as error:
            raise translate_error(error) from error
