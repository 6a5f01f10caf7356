"""Running compiled statements on the task's connection, and turning driver errors into ORM errors.

Each statement runs as one synchronous function inside a single greenlet hop into SQLAlchemy's sync core
(check out, execute, read the result, check in), instead of one hop per step through the async facade;
that is about a third less work per query. Inside ``atomic()`` the block's connection is used.

Every driver error of a statement becomes an ORM error in :func:`database_error`, whichever path ran it
(SQLAlchemy here, the raw driver in :mod:`covet.orm.direct`). A missing table ("no such table" on SQLite,
``relation ... does not exist`` on PostgreSQL) becomes :class:`MissingTableError`, which says to run
``covet migrate`` and names the apps whose migrations the database lacks.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Row
from sqlalchemy.sql import Executable
from sqlalchemy.util import greenlet_spawn

from covet.orm.connections import AUTOCOMMIT_OPTION, get_engine
from covet.orm.exceptions import DatabaseError, IntegrityError, MissingTableError
from covet.orm.transactions import current_transaction

T = TypeVar("T")
Parameters = Sequence[dict[str, Any]] | dict[str, Any] | None

_SQLITE_CONSTRAINT = re.compile(r"(UNIQUE|NOT NULL|CHECK|FOREIGN KEY) constraint failed(?::\s*(.+))?")
_SQLITE_NO_TABLE = re.compile(r"no such table: (?:\w+\.)?(\S+)")
_POSTGRES_NO_TABLE = re.compile(r'relation "([^"]+)" does not exist')
#: PostgreSQL's SQLSTATE for "undefined_table".
_UNDEFINED_TABLE = "42P01"


ErrorTypes = tuple[type[BaseException], ...]


# Per driver module: its (every error, those the database answered with, integrity violations) attribute names.
_DRIVER_ERRORS = {
    "sqlite3": (("Error",), ("DatabaseError",), ("IntegrityError",)),
    "asyncpg": (("PostgresError", "InterfaceError"), ("PostgresError",), ("IntegrityConstraintViolationError",)),
}
_error_types: dict[tuple[str, ...], tuple[ErrorTypes, ErrorTypes, ErrorTypes]] = {}


def _driver_error_types() -> tuple[ErrorTypes, ErrorTypes, ErrorTypes]:
    """(every driver error, those the database answered with, the integrity violations among them)
    for the drivers loaded so far.

    No driver is imported here (a served process pays for one with its first query, and for asyncpg ~6 MB even
    on SQLite): an engine's dialect imports its driver when it is built, and no driver error exists before that.
    """
    loaded = tuple(name for name in _DRIVER_ERRORS if name in sys.modules)
    found = _error_types.get(loaded)
    if found is None:
        groups: tuple[list[type[BaseException]], ...] = ([], [], [])
        for name in loaded:
            module = sys.modules[name]
            for group, attributes in zip(groups, _DRIVER_ERRORS[name], strict=True):
                group.extend(getattr(module, attribute) for attribute in attributes)
        errors, answered, integrity = groups
        found = _error_types[loaded] = (tuple(errors), tuple(answered), tuple(integrity))
    return found


def driver_errors() -> ErrorTypes:
    """Every error the raw drivers raise (statements run directly on them, see covet.orm.direct)."""
    return _driver_error_types()[0]


def constraint_name(error: sa_exc.DBAPIError) -> str | None:
    """The violated constraint's name (PostgreSQL), or the columns/check SQLite reports."""
    return _constraint_of(error.orig)


def _constraint_of(cause: Any) -> str | None:
    message = str(cause)
    while cause is not None:
        name = getattr(cause, "constraint_name", None)
        if name:
            return str(name)
        cause = cause.__cause__
    match = _SQLITE_CONSTRAINT.search(message)
    if match:
        return match.group(2) or match.group(1).lower()
    return None


def _wrap(orig: Any, *, integrity: bool, original: BaseException) -> Exception:
    detail = str(orig).strip().splitlines()[0] if orig is not None else str(original)
    if integrity:
        name = _constraint_of(orig)
        where = f" (constraint {name!r})" if name else ""
        return IntegrityError(f"The database refused the write{where}: {detail}", constraint=name, original=original)
    return DatabaseError(f"Database error: {detail}", original=original)


def missing_table(cause: Any) -> str | None:
    """The table's name when the driver error ``cause`` says a table doesn't exist, else None."""
    while cause is not None:
        if isinstance(cause, _sqlite3_error("OperationalError")):
            match = _SQLITE_NO_TABLE.search(str(cause))
            return match.group(1) if match else None
        if getattr(cause, "sqlstate", None) == _UNDEFINED_TABLE:  # asyncpg's error, or SQLAlchemy's adapter of it
            match = _POSTGRES_NO_TABLE.search(str(cause))
            return match.group(1) if match else None
        cause = cause.__cause__
    return None


async def database_error(error: BaseException, alias: str) -> Exception:
    """The ORM error for ``error``, raised by a statement on database ``alias`` through SQLAlchemy (a
    ``DBAPIError``) or straight from aiosqlite/sqlite3 or asyncpg."""
    orig: BaseException | None = error
    integrity = isinstance(error, _driver_error_types()[2])
    if isinstance(error, sa_exc.DBAPIError):
        orig, integrity = error.orig, isinstance(error, sa_exc.IntegrityError)
    table = missing_table(orig)
    if table is not None:
        return MissingTableError(table, alias, await _unapplied_apps(alias), original=error)
    return _wrap(orig, integrity=integrity, original=error)


async def _unapplied_apps(alias: str) -> list[str] | None:
    """The apps whose migrations ``alias`` lacks, for the missing-table message; None when unknown.

    Read on a connection of its own, so not inside atomic(): there an in-memory SQLite database's one shared
    connection would be released (rolling the block back). Only this error path imports the migration layer.
    """
    from covet.conf.apps import apps

    if current_transaction(alias) is not None or not apps.ready:
        return None
    try:
        from covet.migrations.pending import pending_migrations

        return (await pending_migrations(alias)).apps
    except Exception:  # best effort: the error says to run `covet migrate` either way
        return None


def is_server_error(error: BaseException) -> bool:
    """Did the database answer with this error (the connection is fine), rather than the connection failing?"""
    return isinstance(error, _driver_error_types()[1]) and not isinstance(error, _sqlite3_error("ProgrammingError"))


def _sqlite3_error(name: str) -> ErrorTypes:
    """``sqlite3.<name>`` once sqlite3 is loaded (no SQLite error exists before), else nothing to match."""
    sqlite3 = sys.modules.get("sqlite3")
    return (getattr(sqlite3, name),) if sqlite3 is not None else ()


@dataclass
class WriteResult:
    """What a write reports: rows affected, the new primary key of a single INSERT, RETURNING rows."""

    rowcount: int
    inserted_primary_key: Any = None
    rows: Sequence[Row[Any]] = ()


def _in_autocommit(conn: Connection, work: Callable[..., T], *args: Any) -> T:
    if conn.dialect.name == "sqlite":
        conn.execution_options(**{AUTOCOMMIT_OPTION: True})  # no BEGIN (see connections._tune_sqlite)
    else:
        conn.execution_options(isolation_level="AUTOCOMMIT")
    return work(conn, *args)


def _checked_out(engine_sync: Any, work: Callable[..., T], *args: Any) -> T:
    with engine_sync.connect() as conn:
        return _in_autocommit(conn, work, *args)


async def run(alias: str, work: Callable[..., T], *args: Any) -> T:
    """Run ``work(sync_connection, *args)`` on the task's transaction connection or a pooled autocommit one."""
    state = current_transaction(alias)
    try:
        if state is not None:
            return await state.connection.run_sync(work, *args)
        return await greenlet_spawn(_checked_out, get_engine(alias).sync_engine, work, *args)
    except sa_exc.DBAPIError as error:
        raise await database_error(error, alias) from error


def _all(conn: Connection, statement: Executable, parameters: dict[str, Any] | None) -> Sequence[Row[Any]]:
    return (conn.execute(statement, parameters) if parameters else conn.execute(statement)).all()


def _scalar(conn: Connection, statement: Executable) -> Any:
    return conn.execute(statement).scalar()


def _write(conn: Connection, statement: Executable, parameters: Parameters, guard: bool) -> WriteResult:
    if guard and conn.dialect.name == "postgresql":
        # PostgreSQL aborts the whole transaction on an error; a savepoint keeps it usable.
        with conn.begin_nested():
            return _write(conn, statement, parameters, False)
    result = conn.execute(statement, parameters) if parameters is not None else conn.execute(statement)
    key = None
    if result.context.isinsert and not result.context.executemany:
        try:
            key = result.inserted_primary_key
        except sa_exc.InvalidRequestError:  # an explicit returning(): the caller reads the rows
            key = None
    rows = result.all() if result.returns_rows and key is None else ()
    return WriteResult(rowcount=result.rowcount, inserted_primary_key=key, rows=rows)


async def fetch_all(alias: str, statement: Executable, parameters: dict[str, Any] | None = None) -> Sequence[Row[Any]]:
    """Run a SELECT (with values for its named parameters, if given) and return all rows."""
    return await run(alias, _all, statement, parameters)


async def fetch_scalar(alias: str, statement: Executable) -> Any:
    return await run(alias, _scalar, statement)


async def execute_write(alias: str, statement: Executable, parameters: Parameters = None) -> WriteResult:
    """Run an INSERT/UPDATE/DELETE. Inside atomic() on PostgreSQL it runs under a savepoint, so a constraint
    violation leaves the surrounding transaction usable."""
    return await run(alias, _write, statement, parameters, current_transaction(alias) is not None)
