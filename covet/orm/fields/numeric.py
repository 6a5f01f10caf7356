"""Integer, float and decimal fields, and the auto-incrementing primary keys."""

from __future__ import annotations

import decimal
from typing import Any

import sqlalchemy as sa

from covet.orm.fields.base import Field, invalid
from covet.orm.fields.sqltypes import ExactDecimal


class IntegerField(Field):
    python_types = (int,)
    description = "Integer"
    min_value = -(2**31)
    max_value = 2**31 - 1

    def sa_type(self) -> sa.types.TypeEngine[Any]:
        return sa.Integer()

    def to_python(self, value: Any) -> Any:
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, decimal.Decimal) and value == value.to_integral_value():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
        raise invalid(f"{value!r} is not a valid integer.")

    def check_db_limits(self, value: Any) -> None:
        if value is not None and not self.min_value <= value <= self.max_value:
            raise invalid(f"{value} is out of range for {type(self).__name__} ({self.min_value}..{self.max_value}).")


class SmallIntegerField(IntegerField):
    description = "Small integer"
    min_value = -(2**15)
    max_value = 2**15 - 1

    def sa_type(self) -> sa.types.TypeEngine[Any]:
        return sa.SmallInteger()


class BigIntegerField(IntegerField):
    description = "Big (8 byte) integer"
    min_value = -(2**63)
    max_value = 2**63 - 1

    def sa_type(self) -> sa.types.TypeEngine[Any]:
        return sa.BigInteger()


class PositiveIntegerField(IntegerField):
    """An integer >= 0, enforced by a CHECK constraint as well as by validation."""

    description = "Positive integer"
    min_value = 0

    def sa_constraints(self, column: sa.Column[Any]) -> list[sa.Constraint]:
        return [sa.CheckConstraint(column >= 0, name=f"{self.column}_gte_0")]


class PositiveSmallIntegerField(PositiveIntegerField):
    max_value = 2**15 - 1

    def sa_type(self) -> sa.types.TypeEngine[Any]:
        return sa.SmallInteger()


class AutoField(IntegerField):
    """An auto-incrementing integer primary key (the implicit ``id`` of models without one)."""

    description = "Integer (auto-increment)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["primary_key"] = True
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def sa_column(self) -> sa.Column[Any]:
        column = super().sa_column()
        column.autoincrement = True
        return column


class BigAutoField(AutoField):
    description = "Big (8 byte) integer (auto-increment)"
    min_value = -(2**63)
    max_value = 2**63 - 1

    def sa_type(self) -> sa.types.TypeEngine[Any]:
        # SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY (the rowid alias).
        return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class FloatField(Field):
    python_types = (float,)
    description = "Floating point number"

    def sa_type(self) -> sa.types.TypeEngine[Any]:
        return sa.Float()

    def to_python(self, value: Any) -> Any:
        if isinstance(value, bool):
            raise invalid(f"{value!r} is not a valid number.")
        try:
            return float(value)
        except (TypeError, ValueError):
            raise invalid(f"{value!r} is not a valid number.") from None


class DecimalField(Field):
    """A fixed-precision decimal: ``max_digits`` in all, ``decimal_places`` after the point."""

    python_types = ()
    description = "Decimal number"

    def __init__(self, *args: Any, max_digits: int = 10, decimal_places: int = 2, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_digits = max_digits
        self.decimal_places = decimal_places

    def sa_type(self) -> sa.types.TypeEngine[Any]:
        return ExactDecimal(self.max_digits, self.decimal_places)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, decimal.Decimal):
            number = value
        elif isinstance(value, bool):
            raise invalid(f"{value!r} is not a valid decimal number.")
        elif isinstance(value, float):
            number = decimal.Decimal(repr(value))
        else:
            try:
                number = decimal.Decimal(str(value).strip())
            except decimal.InvalidOperation:
                raise invalid(f"{value!r} is not a valid decimal number.") from None
        if not number.is_finite():
            raise invalid(f"{value!r} is not a finite decimal number.")
        return number

    def check_db_limits(self, value: Any) -> None:
        if value is None:
            return
        _sign, digits, exponent = value.as_tuple()
        places = max(0, -exponent)
        whole = len(digits) - places if exponent < 0 else len(digits) + exponent
        if places > self.decimal_places:
            raise invalid(f"Ensure there are no more than {self.decimal_places} decimal places.")
        if whole > self.max_digits - self.decimal_places:
            whole_digits = self.max_digits - self.decimal_places
            raise invalid(f"Ensure there are no more than {whole_digits} digits before the decimal point.")

    def to_serializable(self, value: Any) -> Any:
        return None if value is None else str(value)
