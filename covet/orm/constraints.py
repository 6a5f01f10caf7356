"""Table-level options a model's ``Meta`` may list: ``Index``, ``UniqueConstraint``, ``CheckConstraint``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

if TYPE_CHECKING:
    from covet.orm.base import Model
    from covet.orm.query.expressions import Q


def _columns(model: type[Model], names: Sequence[str]) -> list[sa.Column[Any]]:
    table = model._meta.table
    return [table.c[model._meta.get_field(name.lstrip("-")).column] for name in names]


class Index:
    """``Meta.indexes = [Index(fields=["-created", "author"], name="...")]``; "-" makes a column descending."""

    def __init__(self, *, fields: Sequence[str], name: str | None = None, unique: bool = False) -> None:
        if not fields:
            raise ValueError("Index needs at least one field name in fields=[...].")
        self.fields = list(fields)
        self.name = name
        self.unique = unique

    def to_sqlalchemy(self, model: type[Model]) -> sa.Index:
        columns: list[Any] = []
        for name, column in zip(self.fields, _columns(model, self.fields), strict=True):
            columns.append(column.desc() if name.startswith("-") else column)
        name = self.name or f"ix_{model._meta.db_table}_{'_'.join(f.lstrip('-') for f in self.fields)}"
        return sa.Index(name, *columns, unique=self.unique)


class UniqueConstraint:
    """``Meta.constraints = [UniqueConstraint(fields=["author", "slug"], name="...")]``."""

    def __init__(self, *, fields: Sequence[str], name: str | None = None) -> None:
        if not fields:
            raise ValueError("UniqueConstraint needs at least one field name in fields=[...].")
        self.fields = list(fields)
        self.name = name

    def to_sqlalchemy(self, model: type[Model]) -> sa.Constraint:
        return sa.UniqueConstraint(*_columns(model, self.fields), name=self.name)


class CheckConstraint:
    """``Meta.constraints = [CheckConstraint(check=Q(price__gte=0), name="price_non_negative")]``."""

    def __init__(self, *, check: Q, name: str) -> None:
        self.check = check
        self.name = name

    def to_sqlalchemy(self, model: type[Model]) -> sa.Constraint:
        from covet.orm.query.compiler import compile_table_condition

        return sa.CheckConstraint(compile_table_condition(model, self.check), name=self.name)
