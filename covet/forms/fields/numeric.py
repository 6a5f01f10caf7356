"""Number fields: ``IntegerField``, ``FloatField``, ``DecimalField`` (with ``min_value``/``max_value``)."""

from __future__ import annotations

import decimal
import math
from typing import Any

from covet.forms.fields.base import Field
from covet.forms.widgets import NumberInput, Widget
from covet.orm.validators import MaxValueValidator, MinValueValidator


class _NumberField(Field):
    default_widget = NumberInput
    step: str | None = None

    def __init__(self, *, min_value: Any = None, max_value: Any = None, **kwargs: Any) -> None:
        self.min_value = min_value
        self.max_value = max_value
        super().__init__(**kwargs)
        if min_value is not None:
            self.validators.append(MinValueValidator(min_value))
        if max_value is not None:
            self.validators.append(MaxValueValidator(max_value))

    def convert(self, text: str) -> Any:
        raise NotImplementedError

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float | decimal.Decimal):
            raise self.error("invalid")
        try:
            return self.convert(str(value).strip())
        except (ValueError, ArithmeticError):
            raise self.error("invalid") from None

    def widget_attrs(self, widget: Widget) -> dict[str, Any]:
        if not isinstance(widget, NumberInput):
            return {}
        attrs = {"min": self.min_value, "max": self.max_value, "step": self.step}
        return {name: str(value) for name, value in attrs.items() if value is not None}


class IntegerField(_NumberField):
    default_error_messages = {"invalid": "Enter a whole number."}

    def convert(self, text: str) -> int:
        number = decimal.Decimal(text)
        if not number.is_finite() or number != number.to_integral_value():
            raise ValueError(text)
        return int(number)


class FloatField(_NumberField):
    default_error_messages = {"invalid": "Enter a number."}
    step = "any"

    def convert(self, text: str) -> float:
        number = float(text)
        if not math.isfinite(number):
            raise ValueError(text)
        return number


class DecimalField(_NumberField):
    """A decimal number with at most ``max_digits`` digits, ``decimal_places`` of them after the point."""

    default_error_messages = {
        "invalid": "Enter a number.",
        "max_digits": "Ensure that there are no more than {limit} digits in total.",
        "max_decimal_places": "Ensure that there are no more than {limit} decimal places.",
        "max_whole_digits": "Ensure that there are no more than {limit} digits before the decimal point.",
    }

    def __init__(self, *, max_digits: int | None = None, decimal_places: int | None = None, **kwargs: Any) -> None:
        self.max_digits = max_digits
        self.decimal_places = decimal_places
        super().__init__(**kwargs)
        if decimal_places is not None:
            self.step = str(decimal.Decimal(1).scaleb(-decimal_places)) if decimal_places else "1"
        else:
            self.step = "any"

    def convert(self, text: str) -> decimal.Decimal:
        number = decimal.Decimal(text)
        if not number.is_finite():
            raise ValueError(text)
        return number

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None:
            return
        _sign, digit_tuple, exponent = value.as_tuple()
        assert isinstance(exponent, int)  # finite: checked by convert()
        places = max(0, -exponent)
        digits = max(len(digit_tuple), places)
        whole = digits - places
        if self.max_digits is not None and digits > self.max_digits:
            raise self.error("max_digits", limit=self.max_digits)
        if self.decimal_places is not None and places > self.decimal_places:
            raise self.error("max_decimal_places", limit=self.decimal_places)
        if self.max_digits is None or self.decimal_places is None:
            return
        whole_limit = self.max_digits - self.decimal_places
        if whole > whole_limit:
            raise self.error("max_whole_digits", limit=whole_limit)
