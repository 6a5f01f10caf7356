"""Field lookups (``exact``, ``icontains``, ``in``, ``range``, ...) and transforms (``year``, ``date``, ...).

Each lookup is a row in a table: how to coerce the user's value (before any SQL runs) and how to build the
SQLAlchemy comparison. Values always become bound parameters; LIKE patterns are escaped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from covet.exceptions import ValidationError
from covet.orm.fields.base import Field
from covet.orm.fields.numeric import IntegerField
from covet.orm.fields.temporal import DateField, DateTimeField, TimeField
from covet.orm.fields.text import TextField

LOOKUP_SEP = "__"


class TruncDate(FunctionElement[dt.date]):
    """The date part of a datetime column (UTC)."""

    type = sa.Date()
    inherit_cache = True
    name = "truncdate"


@compiles(TruncDate)
def _trunc_date_default(element: TruncDate, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS DATE)"


@compiles(TruncDate, "sqlite")
def _trunc_date_sqlite(element: TruncDate, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)})"


_INTEGER = IntegerField()
_INTEGER.name = "value"


def _extract(part: str) -> Callable[[Any], Any]:
    def transform(column: Any) -> Any:
        return sa.cast(sa.extract(part, column), sa.Integer)

    return transform


#: name -> (transform(column) -> expression, field describing the transformed value, applicable field types)
TRANSFORMS: dict[str, tuple[Callable[[Any], Any], Field, tuple[type[Field], ...]]] = {
    "date": (lambda column: TruncDate(column), DateField(), (DateTimeField,)),
    "year": (_extract("year"), _INTEGER, (DateField, DateTimeField)),
    "month": (_extract("month"), _INTEGER, (DateField, DateTimeField)),
    "day": (_extract("day"), _INTEGER, (DateField, DateTimeField)),
    "hour": (_extract("hour"), _INTEGER, (DateTimeField, TimeField)),
    "minute": (_extract("minute"), _INTEGER, (DateTimeField, TimeField)),
}


def _text(field: Field | None, value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise ValidationError({_name(field): [f"Expected text for a pattern lookup, got {type(value).__name__}."]})


def _name(field: Field | None) -> str:
    return field.name if field is not None and field.name else "__all__"


def _coerce(field: Field | None, value: Any) -> Any:
    return value if field is None else field.coerce(value)


def _coerce_many(field: Field | None, value: Any) -> list[Any]:
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise ValidationError({_name(field): [f"The 'in' lookup needs a list of values, got {type(value).__name__}."]})
    return [_coerce(field, item) for item in value]


def _coerce_range(field: Field | None, value: Any) -> tuple[Any, Any]:
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__") or len(list(value)) != 2:
        raise ValidationError({_name(field): ["The 'range' lookup needs two values: (low, high)."]})
    low, high = list(value)
    return _coerce(field, low), _coerce(field, high)


def _coerce_bool(field: Field | None, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValidationError({_name(field): [f"The 'isnull' lookup takes True or False, not {value!r}."]})
    return value


def _escape_like(value: str) -> str:
    return value.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _pattern(prefix: str, suffix: str) -> Callable[[Field | None, Any], str]:
    """Coerce to text and build the LIKE pattern, so ``%`` and ``_`` in the value match literally."""

    def prepare(field: Field | None, value: Any) -> str:
        return f"{prefix}{_escape_like(_text(field, value))}{suffix}"

    return prepare


def _like(column: Any, pattern: Any) -> Any:
    return column.like(pattern, escape="/")


def _ilike(column: Any, pattern: Any) -> Any:
    return sa.func.lower(column).like(sa.func.lower(pattern), escape="/")


def _exact(column: Any, value: Any) -> Any:
    return column.is_(None) if value is None else column == value


#: name -> (coerce(field, value) -> the value(s) to bind, build(column, bound value(s)) -> condition).
#: ``build`` gets either the coerced Python values or bind parameters standing for them (cached statements).
LOOKUPS: dict[str, tuple[Callable[[Field | None, Any], Any], Callable[[Any, Any], Any]]] = {
    "exact": (_coerce, _exact),
    "iexact": (_text, lambda c, v: sa.func.lower(c) == sa.func.lower(v)),
    "gt": (_coerce, lambda c, v: c > v),
    "gte": (_coerce, lambda c, v: c >= v),
    "lt": (_coerce, lambda c, v: c < v),
    "lte": (_coerce, lambda c, v: c <= v),
    "in": (_coerce_many, lambda c, v: c.in_(v)),
    "range": (_coerce_range, lambda c, v: c.between(v[0], v[1])),
    "isnull": (_coerce_bool, lambda c, v: c.is_(None) if v else c.is_not(None)),
    "contains": (_pattern("%", "%"), _like),
    "icontains": (_pattern("%", "%"), _ilike),
    "startswith": (_pattern("", "%"), _like),
    "istartswith": (_pattern("", "%"), _ilike),
    "endswith": (_pattern("%", ""), _like),
    "iendswith": (_pattern("%", ""), _ilike),
    "regex": (_text, lambda c, v: c.regexp_match(v)),
    "iregex": (_text, lambda c, v: c.regexp_match(v, flags="i")),
}

_TEXT_ONLY = frozenset(
    {"iexact", "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith", "regex", "iregex"}
)


def valid_lookups(field: Field | None) -> list[str]:
    """The lookup and transform names ``field`` accepts (all comparisons for expressions)."""
    names = [name for name in LOOKUPS if field is None or isinstance(field, TextField) or name not in _TEXT_ONLY]
    if field is not None:
        names += [name for name, (_t, _f, kinds) in TRANSFORMS.items() if isinstance(field, kinds)]
    return names


def transform_for(field: Field | None, name: str) -> tuple[Callable[[Any], Any], Field] | None:
    entry = TRANSFORMS.get(name)
    if entry is None or field is None or not isinstance(field, entry[2]):
        return None
    return entry[0], entry[1]


def lookup_for(field: Field | None, name: str) -> tuple[Callable[[Field | None, Any], Any], Callable[[Any, Any], Any]]:
    entry = LOOKUPS.get(name)
    if entry is None or (
        name in _TEXT_ONLY
        and field is not None
        and not isinstance(field, TextField)
        and not getattr(field, "is_relation", False)
    ):
        from covet.orm.exceptions import FieldError

        kind = type(field).__name__ if field is not None else "expression"
        where = f" for {kind} {field.name!r}" if field is not None else ""
        raise FieldError(f"Unsupported lookup {name!r}{where}. Valid lookups: {', '.join(valid_lookups(field))}.")
    return entry
