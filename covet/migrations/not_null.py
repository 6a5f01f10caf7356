"""Adding a NOT NULL column to a table that may already hold rows.

The database refuses ``ADD COLUMN ... NOT NULL`` without a default when the table has rows (the new column
would hold NULL). Covet's model defaults live in Python, not in the schema, so autogenerate alone would write
exactly that. When the field's default is a constant, the add carries it as a server default (existing rows
get the value) and a second step drops it again, so the schema ends up as the models describe it. Otherwise
the caller gets a warning that names the column and what to do.
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic.operations import ops

from covet.orm.fields.base import NOT_PROVIDED


def backfill_added_columns(operations: list[ops.MigrateOperation], metadata: sa.MetaData) -> list[str]:
    """Give each added NOT NULL column its field's constant default for the existing rows; warn about the rest.

    Changes ``operations`` in place; returns the warnings (one per column that can't be filled).
    """
    warnings: list[str] = []
    index = 0
    while index < len(operations):
        op = operations[index]
        index += 1
        if isinstance(op, ops.ModifyTableOps):
            drops = [_backfill(inner, metadata, warnings) for inner in op.ops]
            cleanup = [drop for drop in drops if drop is not None]
            if cleanup:
                # A batch of its own: on SQLite the drop recreates the table, which must find the column filled.
                operations.insert(index, ops.ModifyTableOps(op.table_name, cleanup, schema=op.schema))
                index += 1
        else:
            drop = _backfill(op, metadata, warnings)
            if drop is not None:
                operations.insert(index, drop)
                index += 1
    return warnings


def _backfill(op: ops.MigrateOperation, metadata: sa.MetaData, warnings: list[str]) -> ops.AlterColumnOp | None:
    """Put the default on an added NOT NULL column; the operation that drops it again, if one is needed."""
    if not isinstance(op, ops.AddColumnOp) or not _needs_a_value(op.column):
        return None
    value = _constant_default(metadata, op.table_name, op.column.name)
    if value is None:
        warnings.append(_warning(op.table_name, op.column.name))
        return None
    op.column = _with_server_default(op.column, value)
    return _drop_server_default(op)


def _needs_a_value(column: sa.Column[Any]) -> bool:
    return not column.nullable and not column.primary_key and column.server_default is None


def _constant_default(metadata: sa.MetaData, table_name: str, column_name: str) -> str | None:
    """The field's default as SQL text for a server default, or None when it has none or it isn't constant."""
    table = metadata.tables.get(table_name)
    model = table.info.get("covet_model") if table is not None else None
    if model is None:
        return None
    field = next((f for f in model._meta.concrete_fields if f.column == column_name), None)
    default = getattr(field, "default", NOT_PROVIDED)
    if isinstance(default, enum.Enum):
        default = default.value
    if isinstance(default, bool):
        return "1" if default else "0"  # '1'/'0' read as booleans by PostgreSQL and stored as 1/0 by SQLite
    if isinstance(default, str | int | float | Decimal):
        return str(default)
    return None


def _with_server_default(column: sa.Column[Any], value: str) -> sa.Column[Any]:
    """A copy of ``column`` (the original belongs to the models' MetaData and must stay as it is)."""
    copy = column._copy()
    sa.DefaultClause(value)._set_parent_with_dispatch(copy)
    return copy


def _drop_server_default(add: ops.AddColumnOp) -> ops.AlterColumnOp:
    return ops.AlterColumnOp(
        add.table_name,
        add.column.name,
        schema=add.schema,
        existing_type=add.column.type,
        existing_server_default=add.column.server_default,
        existing_nullable=False,
        modify_server_default=None,
    )


def _warning(table: str, column: str) -> str:
    return (
        f"Column {table}.{column} is added as NOT NULL without a constant default: `covet migrate` fails if "
        f'{table} already has rows. Give the field a default (e.g. default="" or default=0), allow NULL '
        "(null=True), or edit the migration to fill the column for existing rows before making it NOT NULL."
    )
