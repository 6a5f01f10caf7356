"""Aggregates for ``annotate()`` and ``aggregate()``: Count, Sum, Avg, Min, Max (each with ``filter=Q``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from covet.orm.query.expressions import Expression, F, Q

if TYPE_CHECKING:
    from covet.orm.query.compiler import SQLCompiler


class Aggregate(Expression):
    """``Sum("price", filter=Q(paid=True), distinct=False)``."""

    contains_aggregate = True
    function = ""
    name = ""

    def __init__(self, expression: str | Expression, *, filter: Q | None = None, distinct: bool = False) -> None:
        self.source = expression
        self.expression: Expression | None = (
            F(expression)
            if isinstance(expression, str) and expression != "*"
            else (expression if isinstance(expression, Expression) else None)
        )
        self.filter = filter
        self.distinct = distinct

    @property
    def default_alias(self) -> str:
        if isinstance(self.source, str):
            return f"{self.source}__{self.name.lower()}"
        raise TypeError(f"{self.name}() over an expression needs a keyword alias, e.g. total={self.name}(...).")

    def sql_type(self, argument: Any) -> Any:
        return None

    def resolve(self, compiler: SQLCompiler) -> Any:
        argument: Any = sa.literal_column("*") if self.expression is None else self.expression.resolve(compiler)
        if self.distinct:
            argument = sa.distinct(argument)
        type_ = self.sql_type(argument)
        call = (
            getattr(sa.func, self.function)(argument, type_=type_)
            if type_ is not None
            else getattr(sa.func, self.function)(argument)
        )
        if self.filter is not None:
            call = call.filter(compiler.compile_q(self.filter))
        return call

    def references(self) -> list[str]:
        names = self.expression.references() if self.expression is not None else []
        if self.filter is not None:
            names += [key for key, _value in self.filter.leaves()]
        return names

    def __repr__(self) -> str:
        return f"{self.name}({self.source!r})"


class Count(Aggregate):
    function = "count"
    name = "Count"

    def __init__(self, expression: str | Expression = "*", **kwargs: Any) -> None:
        super().__init__(expression, **kwargs)

    def sql_type(self, argument: Any) -> Any:
        return sa.Integer()


class Sum(Aggregate):
    function = "sum"
    name = "Sum"


class Avg(Aggregate):
    function = "avg"
    name = "Avg"

    def sql_type(self, argument: Any) -> Any:
        return sa.Float()


class Min(Aggregate):
    function = "min"
    name = "Min"


class Max(Aggregate):
    function = "max"
    name = "Max"
