"""Text fields: CharField (with max_length), TextField, and the validated EmailField, URLField, SlugField."""

from __future__ import annotations

import decimal
import uuid
from typing import Any

import sqlalchemy as sa

from covet.orm.fields.base import Field, invalid
from covet.orm.validators import validate_email, validate_slug, validate_url

_STRINGIFIABLE = (int, float, decimal.Decimal, uuid.UUID)


class TextField(Field):
    python_types = (str,)
    description = "Text"
    empty_strings_allowed = True

    def sa_type(self) -> sa.types.TypeEngine[Any]:
        return sa.Text()

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            return value
        if isinstance(value, _STRINGIFIABLE) and not isinstance(value, bool):
            return str(value)
        raise invalid(f"Expected text, got {type(value).__name__} {value!r}.")


class CharField(TextField):
    """A string of at most ``max_length`` characters (VARCHAR); the limit is checked before saving."""

    description = "String"

    def __init__(self, *args: Any, max_length: int = 255, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not isinstance(max_length, int) or max_length <= 0:
            raise TypeError(f"CharField max_length must be a positive integer, got {max_length!r}.")
        self.max_length = max_length

    def sa_type(self) -> sa.types.TypeEngine[Any]:
        return sa.String(self.max_length)

    def check_db_limits(self, value: Any) -> None:
        if value is not None and len(value) > self.max_length:
            raise invalid(
                f"Ensure this value has at most {self.max_length} characters (it has {len(value)}).", "max_length"
            )


class EmailField(CharField):
    description = "Email address"

    def __init__(self, *args: Any, max_length: int = 254, **kwargs: Any) -> None:
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.insert(0, validate_email)


class URLField(CharField):
    description = "URL"

    def __init__(self, *args: Any, max_length: int = 200, **kwargs: Any) -> None:
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.insert(0, validate_url)


class SlugField(CharField):
    description = "Slug (letters, numbers, underscores, hyphens)"

    def __init__(self, *args: Any, max_length: int = 50, db_index: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, max_length=max_length, db_index=db_index, **kwargs)
        self.validators.insert(0, validate_slug)
