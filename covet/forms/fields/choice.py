"""Choice fields: ``ChoiceField`` (one of a list), ``TypedChoiceField`` (converted), ``MultipleChoiceField``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from covet.forms.fields.base import Field
from covet.forms.widgets import ChoiceWidget, Select, SelectMultiple, Widget
from covet.orm.fields.base import _normalize_choices as model_choices


def normalize_choices(choices: Any) -> list[tuple[Any, str]]:
    """``[(value, label), ...]`` from pairs, plain values, or an Enum class (``member.label`` or name)."""
    return model_choices(choices) or []


class ChoiceField(Field):
    default_widget: ClassVar[type[Widget]] = Select
    default_error_messages = {"invalid_choice": "Select a valid choice. {value} is not one of the available choices."}

    def __init__(self, *, choices: Iterable[Any] | type = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices = normalize_choices(choices)

    @property
    def choices(self) -> list[tuple[Any, str]]:
        return self._choices

    @choices.setter
    def choices(self, value: Iterable[Any]) -> None:
        self._choices = normalize_choices(value)
        if isinstance(self.widget, ChoiceWidget):
            self.widget.choices = self._choices

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return ""
        return str(value)

    def valid_value(self, value: Any) -> bool:
        text = str(value)
        return any(text == str(option) for option, _label in self.choices)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value not in self.empty_values and not self.valid_value(value):
            raise self.error("invalid_choice", value=value)


class TypedChoiceField(ChoiceField):
    """A ``ChoiceField`` whose value is converted with ``coerce`` (e.g. ``int`` or an Enum class)."""

    def __init__(self, *, coerce: Callable[[Any], Any] = str, empty_value: Any = None, **kwargs: Any) -> None:
        self.coerce = coerce
        self.empty_value = empty_value
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if value in self.empty_values:
            return self.empty_value
        for option, _label in self.choices:
            if str(option) == value:
                return option if not isinstance(option, str) else self.coerce(option)
        return self.coerce(value)


class MultipleChoiceField(ChoiceField):
    default_widget = SelectMultiple
    default_error_messages = {"invalid_list": "Enter a list of values."}

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return []
        if not isinstance(value, list | tuple):
            raise self.error("invalid_list")
        return [str(item) for item in value]

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise self.error("required")
        for item in value:
            if not self.valid_value(item):
                raise self.error("invalid_choice", value=item)

    def has_changed(self, initial: Any, data: Any) -> bool:
        initial_set = {str(item) for item in (initial or [])}
        data_set = {str(item) for item in (data or [])}
        return initial_set != data_set
