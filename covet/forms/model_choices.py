"""Choice fields whose choices are model instances: ``ModelChoiceField`` (a ForeignKey) and
``ModelMultipleChoiceField`` (a ManyToManyField).

Choices come from a QuerySet, so they are loaded asynchronously: ``await form.load_choices()`` before rendering
the form (rendering an unloaded one raises an error saying so). Validation does not need them loaded: the
submitted keys are looked up in the QuerySet, so a restricted QuerySet also restricts what may be chosen.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from markupsafe import Markup

from covet.exceptions import ValidationError
from covet.forms.fields.choice import ChoiceField
from covet.forms.widgets import Select, SelectMultiple, Widget

EMPTY_LABEL = "---------"


class _ChoicesNotLoaded:
    """Mixed into the model choice widgets: rendering before ``load_choices()`` is a clear error."""

    loaded = False
    choices: list[tuple[Any, str]]

    def check_loaded(self, name: str) -> None:
        if not self.loaded:
            raise RuntimeError(
                f"The choices of the field {name!r} come from the database and are not loaded: "
                "call `await form.load_choices()` before rendering the form."
            )


class ModelSelect(_ChoicesNotLoaded, Select):
    def render(self, name: str, value: Any, attrs: Mapping[str, Any] | None = None) -> Markup:
        self.check_loaded(name)
        return super().render(name, value, attrs)


class ModelSelectMultiple(_ChoicesNotLoaded, SelectMultiple):
    def render(self, name: str, value: Any, attrs: Mapping[str, Any] | None = None) -> Markup:
        self.check_loaded(name)
        return super().render(name, value, attrs)


class ModelChoiceField(ChoiceField):
    """One instance of ``queryset``'s model; submitted as its primary key (or ``to_field_name``)."""

    default_widget: ClassVar[type[Widget]] = ModelSelect
    default_error_messages = {
        "invalid_choice": "Select a valid choice. That choice is not one of the available choices."
    }

    def __init__(
        self,
        queryset: Any,
        *,
        empty_label: str | None = EMPTY_LABEL,
        to_field_name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.queryset = queryset
        self.empty_label = empty_label
        self.to_field_name = to_field_name

    @property
    def key_attname(self) -> str:
        attname: str = self.to_field_name or self.queryset.model._meta.pk.attname
        return attname

    def key_of(self, obj: Any) -> Any:
        return obj.__dict__.get(self.key_attname)

    def label_from_instance(self, obj: Any) -> str:
        """The text of an option; override to show something else than ``str(obj)``."""
        return str(obj)

    async def load_choices(self) -> None:
        """Fetch the QuerySet and make its objects the widget's options."""
        objects = await self.queryset.all()  # a fresh clone: a QuerySet caches its rows once evaluated
        options: list[tuple[Any, str]] = [("", self.empty_label)] if self.empty_label is not None else []
        options += [(self.key_of(obj), self.label_from_instance(obj)) for obj in objects]
        self.choices = options
        self.widget.loaded = True  # type: ignore[attr-defined]

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        return self.key_of(value) if hasattr(value, "_meta") else value

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return [self.prepare_value(item) for item in value]
        return self.key_of(value) if hasattr(value, "_meta") else value

    def convert_key(self, key: Any) -> Any:
        """The submitted key as the key field's Python type; ``invalid_choice`` if it cannot be one."""
        key_field = self.queryset.model._meta.get_field(self.key_attname)
        try:
            return key_field.to_python(key)
        except (ValidationError, ValueError, TypeError):
            raise self.error("invalid_choice") from None

    def validate(self, value: Any) -> None:
        if value in self.empty_values and self.required:
            raise self.error("required")

    async def clean_async(self, value: Any) -> Any:
        key = self.to_python(value)
        self.validate(key)
        if key is None:
            return None
        obj = await self.queryset.filter(**{self.key_attname: self.convert_key(key)}).first()
        if obj is None:
            raise self.error("invalid_choice")
        self.run_validators(obj)
        return obj

    def clean(self, value: Any) -> Any:
        raise RuntimeError(f"{type(self).__name__} looks values up in the database: use `await field.clean_async()`.")

    def has_changed(self, initial: Any, data: Any) -> bool:
        initial_key = self.prepare_value(initial)
        return str("" if initial_key is None else initial_key) != str("" if data is None else data)


class ModelMultipleChoiceField(ModelChoiceField):
    """A list of instances of ``queryset``'s model, submitted as a list of keys."""

    default_widget = ModelSelectMultiple
    default_error_messages = {
        "invalid_list": "Enter a list of values.",
        "invalid_choice": "Select a valid choice. {value} is not one of the available choices.",
    }

    def __init__(self, queryset: Any, **kwargs: Any) -> None:
        super().__init__(queryset, empty_label=None, **kwargs)

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return []
        if not isinstance(value, list | tuple):
            raise self.error("invalid_list")
        return [self.key_of(item) if hasattr(item, "_meta") else item for item in value]

    def convert_key(self, key: Any) -> Any:
        try:
            return super().convert_key(key)
        except ValidationError:
            raise self.error("invalid_choice", value=key) from None

    async def clean_async(self, value: Any) -> Any:
        keys = self.to_python(value)
        if not keys:
            if self.required:
                raise self.error("required")
            return []
        converted = [self.convert_key(key) for key in keys]
        found = await self.queryset.filter(**{f"{self.key_attname}__in": converted})
        by_key = {self.key_of(obj): obj for obj in found}
        for key, original in zip(converted, keys, strict=True):
            if key not in by_key:
                raise self.error("invalid_choice", value=original)
        objects = [by_key[key] for key in dict.fromkeys(converted)]
        self.run_validators(objects)
        return objects

    def has_changed(self, initial: Any, data: Any) -> bool:
        initial_keys = {str(key) for key in self.prepare_value(initial or [])}
        return initial_keys != {str(key) for key in (data or [])}
