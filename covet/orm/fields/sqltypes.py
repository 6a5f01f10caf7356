"""SQLAlchemy column types that behave the same on SQLite and PostgreSQL (aware datetimes, exact decimals, enums)."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

UTC = dt.UTC


class AwareDateTime(TypeDecorator[dt.datetime]):
    """TIMESTAMP WITH TIME ZONE on PostgreSQL; UTC text on SQLite. Always returns aware datetimes in UTC
    (naive values are taken as UTC)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None or not isinstance(value, dt.datetime):
            return value
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        if dialect.name == "sqlite":
            return value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        # The hot path of every fetch: parse SQLite's text with the C ISO parser in one step, and take
        # asyncpg's already-aware datetimes as they are.
        if dialect.name == "sqlite":
            return _sqlite_utc_datetime
        if dialect.name == "postgresql":
            return None
        return super().result_processor(dialect, coltype)


def _sqlite_utc_datetime(value: Any) -> Any:
    if value is None:
        return None
    try:  # stored as naive UTC text; parsing with the offset appended is ~7x cheaper than .replace(tzinfo=)
        return dt.datetime.fromisoformat(value + "+00:00")
    except ValueError:  # text written by something else, with its own offset
        parsed = dt.datetime.fromisoformat(value)
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


class PostgresJSONB(TypeDecorator[Any]):
    """PostgreSQL's ``JSONB``, the variant a JSON column uses there, built by the first PostgreSQL dialect that
    compiles or binds it.

    ``JSONB`` itself lives in SQLAlchemy's PostgreSQL dialect package (~2 MB and ~80 ms to import); a process
    serving a SQLite database never loads it. Migration files name the stored type (:meth:`stored_type`), not
    this class.
    """

    impl = sa.JSON
    cache_ok = True
    # Parameters are sent as ``$1::JSONB``, as SQLAlchemy's asyncpg dialect does for JSONB itself.
    render_bind_cast = True

    def __init__(self) -> None:
        super().__init__(none_as_null=True)

    @staticmethod
    def stored_type() -> sa.types.TypeEngine[Any]:
        """The ``JSONB(none_as_null=True)`` the database stores."""
        from sqlalchemy.dialects.postgresql import JSONB

        return JSONB(none_as_null=True)

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        return dialect.type_descriptor(self.stored_type())


class FastDate(TypeDecorator[dt.date]):
    """DATE; on SQLite parsed with the C ISO parser instead of a regular expression."""

    impl = sa.Date
    cache_ok = True

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        if dialect.name == "sqlite":
            return _sqlite_date
        return super().result_processor(dialect, coltype)


def _sqlite_date(value: Any) -> Any:
    return None if value is None else dt.date.fromisoformat(value)


class ExactDecimal(TypeDecorator[decimal.Decimal]):
    """NUMERIC(p, s). SQLite has no decimal type, so values are quantized back to ``scale`` places on read."""

    impl = sa.Numeric
    cache_ok = True

    def __init__(self, precision: int, scale: int) -> None:
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.quantum = decimal.Decimal(1).scaleb(-scale)

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        impl: Any = self.impl
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.Numeric(impl.precision, impl.scale, asdecimal=False))
        return dialect.type_descriptor(sa.Numeric(impl.precision, impl.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is not None and dialect.name == "sqlite":
            return str(value)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, decimal.Decimal):
            value = decimal.Decimal(repr(value))
        return value.quantize(self.quantum)


class EnumValue(TypeDecorator[enum.Enum]):
    """Stores an Enum member's value (text or integer column) and reads back the member."""

    impl = sa.String
    cache_ok = True

    def __init__(self, enum_class: type[enum.Enum], length: int) -> None:
        self.enum_class = enum_class
        self.length = length
        super().__init__(length)
        if all(isinstance(member.value, int) for member in enum_class):
            self.impl = sa.Integer()  # type: ignore[assignment]

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if isinstance(value, enum.Enum):
            return value.value
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else self.enum_class(value)
