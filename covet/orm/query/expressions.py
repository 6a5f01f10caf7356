"""Expressions usable in filters, updates, annotations and ordering: ``Q``, ``F``, ``Value`` and functions.

Expressions are resolved against a query by ``resolve(compiler)``, which returns a SQLAlchemy Core
expression; user values always become bound parameters.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

if TYPE_CHECKING:
    from covet.orm.query.compiler import SQLCompiler

_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "%": operator.mod,
}


class Expression:
    """Something that resolves to a SQL expression; supports + - * / % with numbers and other expressions."""

    contains_aggregate = False

    def resolve(self, compiler: SQLCompiler) -> Any:
        raise NotImplementedError

    def references(self) -> list[str]:
        """Field paths this expression reads (used to find joins and aggregates)."""
        return []

    def _combine(self, other: Any, op: str, reverse: bool = False) -> CombinedExpression:
        return CombinedExpression(other, op, self) if reverse else CombinedExpression(self, op, other)

    def __add__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "+")

    def __radd__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "+", reverse=True)

    def __sub__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "-")

    def __rsub__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "-", reverse=True)

    def __mul__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "*")

    def __rmul__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "*", reverse=True)

    def __truediv__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "/")

    def __rtruediv__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "/", reverse=True)

    def __mod__(self, other: Any) -> CombinedExpression:
        return self._combine(other, "%")

    def __neg__(self) -> CombinedExpression:
        return CombinedExpression(0, "-", self)

    def asc(self, *, nulls_first: bool = False, nulls_last: bool = False) -> OrderBy:
        return OrderBy(self, descending=False, nulls_first=nulls_first, nulls_last=nulls_last)

    def desc(self, *, nulls_first: bool = False, nulls_last: bool = False) -> OrderBy:
        return OrderBy(self, descending=True, nulls_first=nulls_first, nulls_last=nulls_last)


def resolve_value(value: Any, compiler: SQLCompiler) -> Any:
    """An expression's SQL, or a plain Python value (left for SQLAlchemy to bind as a parameter)."""
    return value.resolve(compiler) if isinstance(value, Expression) else value


class F(Expression):
    """A reference to a field's value in the database: ``F("views") + 1``, ``filter(a__gt=F("b"))``."""

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise TypeError(f"F() takes a field name, got {name!r}.")
        self.name = name

    def resolve(self, compiler: SQLCompiler) -> Any:
        return compiler.resolve_reference(self.name)

    def references(self) -> list[str]:
        return [self.name]

    def __repr__(self) -> str:
        return f"F({self.name!r})"


class Value(Expression):
    """A constant passed as a bound parameter."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def resolve(self, compiler: SQLCompiler) -> Any:
        return sa.literal(self.value)

    def __repr__(self) -> str:
        return f"Value({self.value!r})"


class CombinedExpression(Expression):
    def __init__(self, lhs: Any, op: str, rhs: Any) -> None:
        self.lhs, self.op, self.rhs = lhs, op, rhs

    @property
    def contains_aggregate(self) -> bool:  # type: ignore[override]
        return any(getattr(side, "contains_aggregate", False) for side in (self.lhs, self.rhs))

    def resolve(self, compiler: SQLCompiler) -> Any:
        lhs, rhs = resolve_value(self.lhs, compiler), resolve_value(self.rhs, compiler)
        if not isinstance(lhs, sa.ColumnElement):
            lhs = sa.literal(lhs)
        return _OPERATORS[self.op](lhs, rhs)

    def references(self) -> list[str]:
        return [name for side in (self.lhs, self.rhs) if isinstance(side, Expression) for name in side.references()]

    def __repr__(self) -> str:
        return f"({self.lhs!r} {self.op} {self.rhs!r})"


class Func(Expression):
    """A SQL function over expressions/field names: ``Func(F("name"), function="lower")``."""

    function = ""

    def __init__(self, *expressions: Any, function: str | None = None) -> None:
        self.expressions = [F(e) if isinstance(e, str) else e for e in expressions]
        if function is not None:
            self.function = function
        if not self.function.isidentifier():
            raise ValueError(f"Invalid SQL function name {self.function!r}.")

    @property
    def contains_aggregate(self) -> bool:  # type: ignore[override]
        return any(getattr(e, "contains_aggregate", False) for e in self.expressions)

    def resolve(self, compiler: SQLCompiler) -> Any:
        return getattr(sa.func, self.function)(*(resolve_value(e, compiler) for e in self.expressions))

    def references(self) -> list[str]:
        return [name for e in self.expressions if isinstance(e, Expression) for name in e.references()]


class Lower(Func):
    function = "lower"


class Upper(Func):
    function = "upper"


class Length(Func):
    function = "length"


class Coalesce(Func):
    function = "coalesce"


class OrderBy:
    """An ordering term built by ``F("x").desc(nulls_last=True)``; accepted by ``order_by()``."""

    def __init__(self, expression: Expression, *, descending: bool, nulls_first: bool, nulls_last: bool) -> None:
        self.expression = expression
        self.descending = descending
        self.nulls_first = nulls_first
        self.nulls_last = nulls_last

    def resolve(self, compiler: SQLCompiler) -> Any:
        term = self.expression.resolve(compiler)
        term = term.desc() if self.descending else term.asc()
        if self.nulls_first:
            term = term.nulls_first()
        elif self.nulls_last:
            term = term.nulls_last()
        return term

    def reversed(self) -> OrderBy:
        return OrderBy(
            self.expression, descending=not self.descending, nulls_first=self.nulls_last, nulls_last=self.nulls_first
        )


class Q:
    """Filter conditions combined with ``&``, ``|`` and ``~``: ``Q(a=1) | ~Q(b__gt=2)``."""

    AND = "AND"
    OR = "OR"

    def __init__(self, *args: Q, _connector: str = AND, _negated: bool = False, **kwargs: Any) -> None:
        for arg in args:
            if not isinstance(arg, Q):
                raise TypeError(f"Q() positional arguments must be Q objects, got {arg!r}.")
        self.children: list[Q | tuple[str, Any]] = [*args, *sorted(kwargs.items())]
        self.connector = _connector
        self.negated = _negated

    def _combine(self, other: Any, connector: str) -> Q:
        if not isinstance(other, Q):
            raise TypeError(f"Can only combine Q with Q, not {type(other).__name__}.")
        if not other.children:
            return self._copy()
        if not self.children:
            return other._copy()
        return Q(self, other, _connector=connector)

    def _copy(self) -> Q:
        clone = Q(_connector=self.connector, _negated=self.negated)
        clone.children = list(self.children)
        return clone

    def __and__(self, other: Q) -> Q:
        return self._combine(other, self.AND)

    def __or__(self, other: Q) -> Q:
        return self._combine(other, self.OR)

    def __invert__(self) -> Q:
        clone = self._copy()
        clone.negated = not self.negated
        return clone

    def leaves(self) -> list[tuple[str, Any]]:
        result: list[tuple[str, Any]] = []
        for child in self.children:
            result.extend(child.leaves() if isinstance(child, Q) else [child])
        return result

    def __repr__(self) -> str:
        inner = f" {self.connector} ".join(repr(c) if isinstance(c, Q) else f"{c[0]}={c[1]!r}" for c in self.children)
        return f"{'NOT ' if self.negated else ''}({inner})"
