"""``Query``: the state of a QuerySet (filters, ordering, limits, selections) that the compiler turns into SQL."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from covet.orm.query.expressions import Expression, Q

if TYPE_CHECKING:
    from covet.orm.base import Model


class Query:
    """What to select and how; immutable in practice (QuerySet methods work on clones)."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self.where: list[Q] = []
        self.order_by: tuple[Any, ...] | None = None  # None: the model's Meta.ordering
        self.low: int = 0
        self.high: int | None = None
        self.distinct = False
        self.select_related: dict[str, Any] | bool = {}
        self.annotations: dict[str, Expression] = {}
        self.values_fields: tuple[str, ...] | None = None  # values()/values_list() selection
        self.group_by_values = False  # annotate() after values(): GROUP BY the values fields
        self.only: frozenset[str] | None = None
        self.defer: frozenset[str] = frozenset()
        self.for_update: dict[str, Any] | None = None
        self.empty = False  # none()

    def clone(self) -> Query:
        clone = object.__new__(Query)
        clone.__dict__.update(self.__dict__)
        clone.where = list(self.where)
        if self.annotations:
            clone.annotations = dict(self.annotations)
        if self.select_related and isinstance(self.select_related, dict):
            clone.select_related = copy.deepcopy(self.select_related)
        return clone

    @property
    def is_sliced(self) -> bool:
        return self.low != 0 or self.high is not None

    def set_limits(self, low: int | None, high: int | None) -> None:
        """Apply a slice relative to the current one (slicing a slice narrows it)."""
        if high is not None:
            self.high = min(self.high, self.low + high) if self.high is not None else self.low + high
        if low is not None:
            self.low = min(self.high, self.low + low) if self.high is not None else self.low + low

    def has_aggregate_annotations(self) -> bool:
        return any(expression.contains_aggregate for expression in self.annotations.values())

    def __str__(self) -> str:
        """The SELECT this query runs, with values rendered inline for reading (execution always binds them)."""
        from covet.orm.connections import async_url, database_settings
        from covet.orm.query.compiler import SQLCompiler

        try:
            dialect = async_url(database_settings("default")["URL"]).get_dialect()()
        except Exception:  # settings not configured: fall back to a generic rendering
            dialect = sa.engine.default.DefaultDialect()
        statement = SQLCompiler(self).select_statement()
        try:
            return str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        except Exception:  # a value with no literal form (e.g. bytes): show placeholders instead
            return str(statement.compile(dialect=dialect))
