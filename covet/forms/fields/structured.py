"""Fields for structured values: ``BooleanField``, ``UUIDField`` and ``JSONField``."""

from __future__ import annotations

import json
import uuid
from typing import Any

from covet.forms.fields.base import Field
from covet.forms.widgets import CheckboxInput, Textarea


class BooleanField(Field):
    """A checkbox. ``required=True`` (the default) means it must be ticked (“I accept the terms”); pass
    ``required=False`` for an ordinary yes/no."""

    default_widget = CheckboxInput

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            return value.strip().lower() not in ("", "false", "0", "off", "no")
        return bool(value)

    def validate(self, value: Any) -> None:
        if not value and self.required:
            raise self.error("required")

    def has_changed(self, initial: Any, data: Any) -> bool:
        return self.to_python(initial) != self.to_python(data)


class UUIDField(Field):
    default_error_messages = {"invalid": "Enter a valid UUID."}

    def to_python(self, value: Any) -> Any:
        return self.parse_text(value, uuid.UUID, uuid.UUID)


class JSONField(Field):
    """A JSON document typed into a textarea; the cleaned value is the decoded Python object."""

    default_widget = Textarea
    default_error_messages = {"invalid": "Enter valid JSON ({detail})."}

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if not isinstance(value, str):
            return value  # already decoded (a JSON request body, or an initial value)
        try:
            return json.loads(value)
        except ValueError as error:
            raise self.error("invalid", detail=str(error)) from None

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise self.error("required")

    def prepare_value(self, value: Any) -> Any:
        if value is None or isinstance(value, str):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)
