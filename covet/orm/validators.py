"""Reusable value validators for fields (``validators=[...]``); each raises ValidationError with a clear message."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from covet.exceptions import ValidationError

Validator = Callable[[Any], None]


class RegexValidator:
    """Reject strings that don't match ``pattern``."""

    def __init__(self, pattern: str, message: str, flags: int = 0) -> None:
        self.regex = re.compile(pattern, flags)
        self.message = message

    def __call__(self, value: Any) -> None:
        if not isinstance(value, str) or not self.regex.search(value):
            raise ValidationError(self.message, code="invalid")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.regex.pattern == self.regex.pattern

    def __hash__(self) -> int:
        return hash(self.regex.pattern)


class EmailValidator(RegexValidator):
    def __init__(self) -> None:
        super().__init__(
            r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
            r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$",
            "Enter a valid email address.",
        )


class URLValidator(RegexValidator):
    def __init__(self, schemes: tuple[str, ...] = ("http", "https", "ftp", "ftps")) -> None:
        self.schemes = schemes
        super().__init__(r"^[a-z][a-z0-9+.-]*://[^\s/?#]+[^\s]*$", "Enter a valid URL.", re.IGNORECASE)

    def __call__(self, value: Any) -> None:
        super().__call__(value)
        if value.split("://", 1)[0].lower() not in self.schemes:
            raise ValidationError(f"Enter a valid URL (scheme must be one of {', '.join(self.schemes)}).")


validate_email = EmailValidator()
validate_url = URLValidator()
validate_slug = RegexValidator(
    r"^[-a-zA-Z0-9_]+$", "Enter a valid slug: letters, numbers, underscores or hyphens only."
)


class _BoundValidator:
    message: str

    def __init__(self, limit: Any) -> None:
        self.limit = limit

    def fails(self, value: Any) -> bool:
        raise NotImplementedError

    def __call__(self, value: Any) -> None:
        if self.fails(value):
            raise ValidationError(self.message.format(limit=self.limit, value=value), code=type(self).__name__)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.limit == self.limit

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.limit))


class MaxLengthValidator(_BoundValidator):
    message = "Ensure this value has at most {limit} characters (it has {value_len})."

    def fails(self, value: Any) -> bool:
        return len(value) > self.limit

    def __call__(self, value: Any) -> None:
        if self.fails(value):
            raise ValidationError(self.message.format(limit=self.limit, value_len=len(value)), code="max_length")


class MinLengthValidator(_BoundValidator):
    message = "Ensure this value has at least {limit} characters."

    def fails(self, value: Any) -> bool:
        return len(value) < self.limit


class MaxValueValidator(_BoundValidator):
    message = "Ensure this value is less than or equal to {limit}."

    def fails(self, value: Any) -> bool:
        return bool(value > self.limit)


class MinValueValidator(_BoundValidator):
    message = "Ensure this value is greater than or equal to {limit}."

    def fails(self, value: Any) -> bool:
        return bool(value < self.limit)
