"""Reusing built SELECTs: QuerySets of the same shape share one SQLAlchemy statement, with new bind values.

The shape of a query is everything that decides its SQL — the filtered paths and lookups (and whether a
value is None or a boolean, which changes the SQL), ordering, slicing, selections — but not the values.
The first QuerySet of a shape is compiled with named bind parameters and remembered per model together
with, for each filter condition, how to turn a new value into its parameters (the same coercion, so bad
values still raise ValidationError before any SQL). Later QuerySets of that shape skip building the
statement, and SQLAlchemy's own compiled cache (keyed on the same statement object) skips compiling it.
Queries with expressions, subqueries or annotations aren't cached.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from covet.orm.query.expressions import Expression, Q

if TYPE_CHECKING:
    from covet.orm.fields.base import Field
    from covet.orm.query.compiler import SelectPlan
    from covet.orm.query.query import Query

MAX_SHAPES_PER_MODEL = 256


class _Uncacheable(Exception):
    pass


def _value_shape(value: Any) -> Hashable:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, Expression | Q) or hasattr(value, "as_subquery"):
        raise _Uncacheable
    if isinstance(value, list | tuple | set | frozenset):
        return "seq"
    return ("type", type(value).__qualname__, type(value).__module__)


def _q_shape(q: Q) -> Hashable:
    return (
        q.connector,
        q.negated,
        tuple(_q_shape(child) if isinstance(child, Q) else (child[0], _value_shape(child[1])) for child in q.children),
    )


def _freeze(value: Any) -> Hashable:
    if isinstance(value, dict):
        return tuple(sorted((key, _freeze(item)) for key, item in value.items()))
    if isinstance(value, list):
        return tuple(value)
    return value


def shape_key(query: Query) -> Hashable | None:
    """The cache key of a query's SQL, or None when it can't be cached."""
    if query.annotations:
        return None
    if query.order_by is not None and not all(isinstance(term, str) for term in query.order_by):
        return None
    try:
        where = tuple(_q_shape(q) for q in query.where)
    except _Uncacheable:
        return None
    return (
        where,
        query.order_by,
        query.low,
        query.high,
        query.distinct,
        _freeze(query.select_related),
        query.values_fields,
        query.group_by_values,
        query.only,
        query.defer,
        _freeze(query.for_update),
        query.empty,
    )


@dataclass
class LeafBinder:
    """How one filter condition turns its value into bind values."""

    lookup: str
    coerce: Any
    field: Field | None
    keeps_model: bool  # a ForeignKey accepts model instances itself

    def values(self, raw: Any) -> tuple[Any, ...]:
        from covet.orm.base import Model

        if isinstance(raw, Model) and not self.keeps_model:
            raw = raw.pk
        prepared = self.coerce(self.field, raw)
        return bind_values(self.lookup, prepared)


def bind_values(lookup: str, prepared: Any) -> tuple[Any, ...]:
    """The values a condition binds: none for IS [NOT] NULL, two for a range, one otherwise."""
    if lookup == "isnull" or (lookup == "exact" and prepared is None):
        return ()
    if lookup == "range":
        return tuple(prepared)
    if lookup == "in":
        return (list(prepared),)
    return (prepared,)


@dataclass
class ParamRecorder:
    """Collects the named bind parameters (``cv0``, ``cv1``, ...) while a cacheable query is compiled."""

    values: list[Any] = field(default_factory=list)
    leaves: list[LeafBinder] = field(default_factory=list)

    def mark(self) -> tuple[int, int]:
        return len(self.values), len(self.leaves)

    def rollback(self, mark: tuple[int, int]) -> None:
        del self.values[mark[0] :]
        del self.leaves[mark[1] :]

    def bind(self, value: Any, type_: Any, *, expanding: bool = False) -> Any:
        name = f"cv{len(self.values)}"
        self.values.append(value)
        return sa.bindparam(name, value, type_=type_, expanding=expanding)

    def params(self) -> dict[str, Any]:
        return {f"cv{index}": value for index, value in enumerate(self.values)}


@dataclass
class CachedSelect:
    statement: sa.Select[Any]
    plan: SelectPlan
    leaves: list[LeafBinder]
    count: int

    def params_for(self, query: Query) -> dict[str, Any] | None:
        """Bind values for ``query`` (same shape); None if they don't line up (then compile afresh)."""
        leaves = [leaf for q in query.where for leaf in q.leaves()]
        if len(leaves) != len(self.leaves):
            return None
        values: list[Any] = []
        for (_path, raw), binder in zip(leaves, self.leaves, strict=True):
            values.extend(binder.values(raw))
        if len(values) != self.count:
            return None
        return {f"cv{index}": value for index, value in enumerate(values)}


def compile_cached(query: Query) -> tuple[sa.Select[Any], SelectPlan, dict[str, Any] | None]:
    """The SELECT for ``query``, its row plan and the bind values to pass (None: all values are inline)."""
    from covet.orm.query.compiler import SQLCompiler

    key = shape_key(query)
    if key is None:
        statement, plan = SQLCompiler(query).compile_select()
        return statement, plan, None
    cache = query.model._meta.statement_cache
    entry = cache.get(key)
    if entry is not None:
        params = entry.params_for(query)
        if params is not None:
            return entry.statement, entry.plan, params
    recorder = ParamRecorder()
    statement, plan = SQLCompiler(query, recorder=recorder).compile_select()
    if len(cache) >= MAX_SHAPES_PER_MODEL:
        cache.clear()
    cache[key] = CachedSelect(statement, plan, list(recorder.leaves), len(recorder.values))
    return statement, plan, recorder.params()
