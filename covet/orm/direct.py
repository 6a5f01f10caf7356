"""INSERTs run straight on the driver's connection (aiosqlite or asyncpg), compiled once per shape.

SQLAlchemy's execution pipeline (execution context, parameter processing, result object) costs about
0.2 ms per statement, twice what the INSERT itself takes. For the write hot paths (``create()``,
``save()`` of a new row, ``bulk_create``) Covet compiles the table's INSERT once per dialect and column
set, keeps the bind processors SQLAlchemy would apply (so every value reaches the driver exactly as it
would through SQLAlchemy), and runs the SQL on the raw connection underneath SQLAlchemy's:

* inside ``atomic()`` on the block's connection (on PostgreSQL under a savepoint, so a refused write
  leaves the transaction usable, and after SQLAlchemy's adapter has sent its BEGIN);
* outside it on a connection checked out of the same pool, in autocommit (on SQLite one pooled connection
  per engine stays checked out for these, see ``connections.writer_connection``).

Driver errors become the same ``IntegrityError``/``DatabaseError`` as on the SQLAlchemy path. A shape
the plan can't express (Python-side column defaults, unusual bind names) or a driver other than Covet's
SQLite adapter and asyncpg returns ``None`` from :func:`plan_for`, and the caller uses SQLAlchemy.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.util import await_only, greenlet_spawn

from covet.orm.connections import drop_writer_connection, get_engine, writer_connection
from covet.orm.execution import database_error, driver_errors, execute_write, is_server_error
from covet.orm.transactions import current_transaction

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

_SAVEPOINT = "covet_write"


@dataclass(frozen=True, slots=True)
class InsertPlan:
    """One compiled INSERT: SQL in the driver's paramstyle, the columns in parameter order with their
    bind processors, and whether it ends in ``RETURNING <pk>`` (PostgreSQL, generated keys)."""

    sql: str
    columns: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]
    returns_key: bool
    driver: str

    def parameters(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(
            value if process is None else process(value)
            for value, process in zip(map(values.__getitem__, self.columns), self.processors, strict=True)
        )


_plans: weakref.WeakKeyDictionary[sa.Table, dict[tuple[str, tuple[str, ...], bool], InsertPlan | None]] = (
    weakref.WeakKeyDictionary()
)


def plan_for(table: sa.Table, dialect: Dialect, columns: tuple[str, ...], *, return_key: bool) -> InsertPlan | None:
    """The INSERT plan for these columns (``return_key``: the generated primary key is wanted), or None."""
    per_table = _plans.get(table)
    if per_table is None:
        per_table = _plans[table] = {}
    key = (dialect.name, columns, return_key)
    try:
        return per_table[key]
    except KeyError:
        plan = per_table[key] = _compile(table, dialect, columns, return_key)
        return plan


def _driver(dialect: Dialect) -> str | None:
    # The "covet" SQLite driver exists only where covet.orm.backends.sqlite found the adapter hooks it needs.
    if dialect.name == "sqlite" and dialect.driver == "covet":
        return "sqlite"
    if dialect.name == "postgresql" and dialect.driver == "asyncpg":
        return "asyncpg"
    return None


def _compile(table: sa.Table, dialect: Dialect, columns: tuple[str, ...], return_key: bool) -> InsertPlan | None:
    driver = _driver(dialect)
    if driver is None or any(column not in table.c for column in columns):
        return None
    statement = table.insert().values({column: sa.bindparam(column, type_=table.c[column].type) for column in columns})
    returns_key = return_key and driver == "asyncpg"
    if returns_key:
        primary_key = list(table.primary_key.columns)
        if len(primary_key) != 1:
            return None
        statement = statement.returning(primary_key[0])
    else:
        statement = statement.inline()  # no implicit RETURNING; SQLite reports lastrowid
    compiled: Any = statement.compile(dialect=dialect)
    names = tuple(compiled.positiontup or ())
    if compiled.insert_prefetch or compiled.escaped_bind_names or sorted(names) != sorted(columns):
        return None
    processors = compiled._bind_processors
    return InsertPlan(compiled.string, names, tuple(processors.get(name) for name in names), returns_key, driver)


async def insert_row(alias: str, table: sa.Table, values: dict[str, Any], primary_key: str) -> Any:
    """INSERT one row (column -> value); returns the generated primary key when ``primary_key`` isn't given."""
    generated = primary_key not in values
    engine = get_engine(alias)
    plan = plan_for(table, engine.dialect, tuple(values), return_key=generated)
    if plan is None or observed(engine.sync_engine):
        result = await execute_write(alias, table.insert(), values)
        return result.inserted_primary_key[0] if generated else None
    key = await _run(alias, engine, plan, plan.parameters(values), many=False)
    return key if generated else None


async def insert_rows(alias: str, table: sa.Table, rows: Sequence[dict[str, Any]], *, guard: bool = True) -> bool:
    """INSERT rows that share one set of columns with the driver's executemany; False when this shape must
    go through SQLAlchemy instead (the caller does that). ``guard=False``: the caller's own transaction ends
    on an error anyway, so no savepoint is needed to keep it usable."""
    engine = get_engine(alias)
    plan = plan_for(table, engine.dialect, tuple(rows[0]), return_key=False)
    if plan is None or observed(engine.sync_engine):
        return False
    await _run(alias, engine, plan, [plan.parameters(values) for values in rows], many=True, guard=guard)
    return True


def observed(sync_engine: Any) -> bool:
    """Is someone watching statements (cursor-execute listeners, ``echo``)? Then they go through SQLAlchemy,
    which reports them; the driver alone wouldn't."""
    dispatch = sync_engine.dispatch
    return bool(dispatch.before_cursor_execute or dispatch.after_cursor_execute or sync_engine._should_log_info())


async def _run(
    alias: str, engine: AsyncEngine, plan: InsertPlan, parameters: Any, *, many: bool, guard: bool = True
) -> Any:
    state = current_transaction(alias)
    try:
        if state is not None:
            adapter = state.connection.sync_connection.connection.dbapi_connection  # type: ignore[union-attr]
            return await _execute(adapter, plan, parameters, many, in_transaction=True, guard=guard)
        writer = await writer_connection(engine) if plan.driver == "sqlite" else None
        if writer is None:
            return await greenlet_spawn(_checked_out, engine.sync_engine, plan, parameters, many)
        try:
            return await _execute(writer.dbapi_connection, plan, parameters, many, in_transaction=False)
        except driver_errors() as error:
            if not is_server_error(error):
                await drop_writer_connection(engine, error)
            raise
    except driver_errors() as error:
        raise await database_error(error, alias) from error


def _checked_out(sync_engine: Any, plan: InsertPlan, parameters: Any, many: bool) -> Any:
    pooled = sync_engine.raw_connection()
    try:
        return await_only(_execute(pooled.dbapi_connection, plan, parameters, many, in_transaction=False))
    except driver_errors() as error:
        if not is_server_error(error):
            pooled.invalidate(error)  # the connection itself failed; don't hand it out again
        raise
    finally:
        pooled.close()


async def _execute(
    adapter: Any, plan: InsertPlan, parameters: Any, many: bool, *, in_transaction: bool, guard: bool = False
) -> Any:
    if plan.driver == "sqlite":
        from covet.orm.backends import sqlite as fast_sqlite  # loaded with the engine that made this plan

        connection = adapter._connection
        _description, _rows, _rowcount, lastrowid = await connection._execute(
            fast_sqlite.run_statement, connection._conn, plan.sql, parameters, many
        )
        return None if many else lastrowid
    async with adapter._execute_mutex:
        if in_transaction:
            if adapter._transaction is None:
                await adapter._start_transaction()  # SQLAlchemy's adapter sends BEGIN lazily, on first use
            if guard:
                return await _guarded(adapter._connection, plan, parameters, many)
        return await _asyncpg_insert(adapter._connection, plan, parameters, many)


async def _guarded(connection: Any, plan: InsertPlan, parameters: Any, many: bool) -> Any:
    """PostgreSQL aborts the whole transaction on an error; a savepoint keeps it usable."""
    await connection.execute(f"SAVEPOINT {_SAVEPOINT}")
    try:
        result = await _asyncpg_insert(connection, plan, parameters, many)
    except Exception:
        await connection.execute(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}; RELEASE SAVEPOINT {_SAVEPOINT}")
        raise
    await connection.execute(f"RELEASE SAVEPOINT {_SAVEPOINT}")
    return result


async def _asyncpg_insert(connection: Any, plan: InsertPlan, parameters: Any, many: bool) -> Any:
    if many:
        await connection.executemany(plan.sql, parameters)
        return None
    if plan.returns_key:
        return await connection.fetchval(plan.sql, *parameters)
    await connection.execute(plan.sql, *parameters)
    return None
