"""``bulk_create`` and ``bulk_update``: many rows in few statements (the driver's executemany on SQLite,
multi-row INSERT ... RETURNING on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from covet.orm.connections import get_engine
from covet.orm.direct import insert_rows
from covet.orm.exceptions import FieldError
from covet.orm.execution import execute_write, fetch_scalar
from covet.orm.persistence import collect_values
from covet.orm.transactions import atomic, current_transaction

if TYPE_CHECKING:
    from covet.orm.base import Model

T = TypeVar("T")


def _batches(items: Sequence[T], size: int | None) -> Iterable[Sequence[T]]:
    if size is not None and size <= 0:
        raise ValueError("batch_size must be a positive integer.")
    step = size or len(items) or 1
    for start in range(0, len(items), step):
        yield items[start : start + step]


def _check_model(model: type[Model], objs: Sequence[Any]) -> None:
    for obj in objs:
        if type(obj) is not model:
            raise TypeError(f"Expected {model.__name__} objects, got {type(obj).__name__}.")


async def bulk_insert(
    model: type[Model], objs: list[Any], db: str, *, batch_size: int | None, ignore_conflicts: bool
) -> list[Any]:
    if not objs:
        return objs
    _check_model(model, objs)
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    table = meta.table
    groups: dict[bool, list[tuple[Any, dict[str, Any]]]] = {True: [], False: []}
    for obj in objs:
        values = collect_values(obj, True, None)  # ValidationError here, before any SQL
        groups[pk.column in values].append((obj, values))
    dialect = get_engine(db).dialect
    # In a transaction of its own, a refused row ends bulk_create's transaction anyway: no savepoints needed.
    guard = current_transaction(db) is not None
    async with atomic(db):
        for has_pk, group in groups.items():
            for batch in _batches(group, batch_size):
                rows = [values for _obj, values in batch]
                if ignore_conflicts:
                    insert = postgresql.insert if dialect.name == "postgresql" else sqlite.insert
                    await execute_write(db, insert(table).on_conflict_do_nothing(), rows)
                    continue
                if has_pk:
                    await _insert(db, dialect, table, rows, guard)
                    continue
                keys = await _insert_returning_keys(db, dialect, table, pk, rows, guard)
                for (obj, _values), value in zip(batch, keys, strict=True):
                    obj.__dict__[pk.attname] = value
    for obj in objs:
        obj.__dict__["_db"] = db
    return objs


async def _insert(db: str, dialect: Dialect, table: sa.Table, rows: list[dict[str, Any]], guard: bool) -> None:
    """On SQLite the driver's executemany (see covet.orm.direct). On PostgreSQL SQLAlchemy's multi-row
    INSERT (one statement per batch of rows), which measured faster than asyncpg's executemany."""
    if dialect.name == "postgresql" or not await insert_rows(db, table, rows, guard=guard):
        await execute_write(db, table.insert(), rows)


async def _insert_returning_keys(
    db: str, dialect: Dialect, table: sa.Table, pk: Any, rows: list[dict[str, Any]], guard: bool
) -> list[Any]:
    """INSERT rows and return their generated keys in order, in as few round trips as the backend allows."""
    column = table.c[pk.column]
    if dialect.name == "sqlite":
        # SQLite gives no ordering guarantee for multi-row RETURNING, so SQLAlchemy would insert row by row.
        # Inside our transaction we hold the write lock, and rowids of a table without AUTOINCREMENT are
        # allocated as max(rowid) + 1, so one executemany yields the contiguous range ending at the new max.
        await _insert(db, dialect, table, rows, guard)
        last = await fetch_scalar(db, sa.select(sa.func.max(column)))
        return list(range(last - len(rows) + 1, last + 1))
    result = await execute_write(db, table.insert().returning(column, sort_by_parameter_order=True), rows)
    return [row[0] for row in result.rows]


async def bulk_update(model: type[Model], objs: list[Any], names: list[str], db: str, *, batch_size: int | None) -> int:
    if not names:
        raise ValueError("bulk_update() needs the names of the fields to update.")
    if not objs:
        return 0
    _check_model(model, objs)
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    for field in fields:
        if not field.concrete or field.many_to_many or field.primary_key:
            raise FieldError(f"bulk_update() can only update concrete non-primary-key fields, not {field.name!r}.")
    pk = meta.pk
    assert pk is not None
    table = meta.table
    statement = (
        table.update()
        .where(table.c[pk.column] == sa.bindparam("covet_pk"))
        .values({field.column: sa.bindparam(f"covet_{field.column}") for field in fields})
    )
    params = []
    for obj in objs:
        if obj.pk is None:
            raise ValueError(f"bulk_update() got an unsaved {model.__name__} (no primary key).")
        row = {"covet_pk": obj.pk}
        for field in fields:
            value = field.value_for_save(field.pre_save(obj, False))
            obj.__dict__[field.attname] = value
            row[f"covet_{field.column}"] = value
        params.append(row)
    async with atomic(db):
        for batch in _batches(params, batch_size):
            await execute_write(db, statement, list(batch))
    return len(objs)
