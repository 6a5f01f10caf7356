"""``Field``: one input of a form — how to turn the submitted text into a Python value and check it."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from covet.exceptions import ValidationError
from covet.forms.widgets import HiddenInput, TextInput, Widget

Validator = Callable[[Any], None]

EMPTY_VALUES: tuple[Any, ...] = (None, "", [], (), {})


class Field:
    """Options: ``required`` (default True), ``label`` (default: from the field's name), ``initial``,
    ``help_text``, ``widget`` (class or instance), ``validators``, ``disabled`` (rendered disabled; the submitted
    value is ignored and the initial value kept), ``error_messages`` (override messages by code)."""

    default_widget: ClassVar[type[Widget]] = TextInput
    hidden_widget: ClassVar[type[Widget]] = HiddenInput
    default_validators: Sequence[Validator] = ()
    default_error_messages: Mapping[str, str] = {"required": "This field is required."}
    empty_values = EMPTY_VALUES

    def __init__(
        self,
        *,
        required: bool = True,
        label: str | None = None,
        initial: Any = None,
        help_text: str = "",
        widget: type[Widget] | Widget | None = None,
        validators: Sequence[Validator] = (),
        disabled: bool = False,
        error_messages: Mapping[str, str] | None = None,
    ) -> None:
        self.required = required
        self.label = label
        self.initial = initial
        self.help_text = help_text
        self.disabled = disabled
        chosen = widget if widget is not None else self.default_widget
        self.widget: Widget = copy.deepcopy(chosen) if isinstance(chosen, Widget) else chosen()
        self.validators = [*self.default_validators, *validators]
        self.error_messages: dict[str, str] = {}
        for klass in reversed(type(self).__mro__):
            self.error_messages.update(getattr(klass, "default_error_messages", {}))
        self.error_messages.update(error_messages or {})

    def error(self, code: str, **params: Any) -> ValidationError:
        """The ValidationError for message ``code`` (formatted with ``params``)."""
        return ValidationError(self.error_messages[code].format(**params), code=code)

    def to_python(self, value: Any) -> Any:
        """The submitted ``value`` converted to this field's Python type (ValidationError if it cannot be)."""
        return None if value in self.empty_values else value

    def parse_text(self, value: Any, python_type: type | tuple[type, ...], parse: Callable[[str], Any]) -> Any:
        """The usual ``to_python``: None when empty, ``value`` when already of ``python_type``, else
        ``parse(stripped text)`` with any ValueError turned into the field's "invalid" message."""
        if value in self.empty_values:
            return None
        if isinstance(value, python_type):
            return value
        try:
            return parse(str(value).strip())
        except ValueError:
            raise self.error("invalid") from None

    def validate(self, value: Any) -> None:
        if value in self.empty_values and self.required:
            raise self.error("required")

    def run_validators(self, value: Any) -> None:
        if value in self.empty_values:
            return
        messages: list[str] = []
        for validator in self.validators:
            try:
                validator(value)
            except ValidationError as error:
                messages.extend(message for values in error.messages.values() for message in values)
        if messages:
            raise ValidationError(messages)

    def clean(self, value: Any) -> Any:
        value = self.to_python(value)
        self.validate(value)
        self.run_validators(value)
        return value

    async def clean_async(self, value: Any) -> Any:
        """What the form calls: ``clean()``, or for fields that need the database, an async lookup as well."""
        return self.clean(value)

    def bound_data(self, data: Any, initial: Any) -> Any:
        """The value to show for a bound form: what was submitted (the initial value for disabled fields)."""
        return initial if self.disabled else data

    def prepare_value(self, value: Any) -> Any:
        """A Python value turned into what the widget should show."""
        return value

    def widget_attrs(self, widget: Widget) -> dict[str, Any]:
        """HTML attributes this field's options imply for ``widget`` (``maxlength``, ``min``, ...)."""
        return {}

    def has_changed(self, initial: Any, data: Any) -> bool:
        """Whether the submitted ``data`` differs from ``initial`` (for a form's ``changed_data``)."""
        try:
            data = self.to_python(data)
        except ValidationError:
            return True
        initial_value = "" if initial is None else initial
        data_value = "" if data is None else data
        return str(self.prepare_value(initial_value)) != str(self.prepare_value(data_value))

    def __deepcopy__(self, memo: dict[int, Any]) -> Field:
        result = copy.copy(self)
        memo[id(self)] = result
        result.widget = copy.deepcopy(self.widget, memo)
        result.validators = list(self.validators)
        result.error_messages = dict(self.error_messages)
        return result
