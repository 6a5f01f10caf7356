"""``formfield_for()``: the form field for a model field — a table from ORM field class to a builder.

The most specific class wins (looked up along the ORM field's MRO), so ``EmailField`` gets an email input
although it is a ``CharField``. Fields that are not editable (``editable=False``, ``auto_now``, auto primary keys)
and binary fields get no form field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from covet import orm
from covet.forms import fields as forms
from covet.forms.model_choices import ModelChoiceField, ModelMultipleChoiceField
from covet.forms.widgets import Textarea

Builder = Callable[[Any, dict[str, Any]], forms.Field | None]

_SMALL = {"min_value": -32768, "max_value": 32767}
_BIG = {"min_value": -(2**63), "max_value": 2**63 - 1}
_INT = {"min_value": -(2**31), "max_value": 2**31 - 1}


def _char(field: Any, options: dict[str, Any]) -> forms.Field:
    if field.null:
        options.setdefault("empty_value", None)
    return forms.CharField(max_length=field.max_length, **options)


def _text(field: Any, options: dict[str, Any]) -> forms.Field:
    if field.null:
        options.setdefault("empty_value", None)
    options.setdefault("widget", Textarea)
    return forms.CharField(**options)


def _typed(form_class: type[forms.CharField]) -> Builder:
    def build(field: Any, options: dict[str, Any]) -> forms.Field:
        if field.null:
            options.setdefault("empty_value", None)
        return form_class(max_length=field.max_length, **options)

    return build


def _integer(bounds: dict[str, int]) -> Builder:
    def build(field: Any, options: dict[str, Any]) -> forms.Field:
        return forms.IntegerField(**{**bounds, **options})

    return build


def _simple(form_class: type[forms.Field]) -> Builder:
    def build(field: Any, options: dict[str, Any]) -> forms.Field:
        return form_class(**options)

    return build


def _decimal(field: Any, options: dict[str, Any]) -> forms.Field:
    return forms.DecimalField(max_digits=field.max_digits, decimal_places=field.decimal_places, **options)


def _boolean(field: Any, options: dict[str, Any]) -> forms.Field:
    options["required"] = False  # an unticked box is a valid "no"
    return forms.BooleanField(**options)


def _enum(field: Any, options: dict[str, Any]) -> forms.Field:
    return forms.TypedChoiceField(choices=_with_blank(field, field.choices), coerce=field.to_python, **options)


def _foreign_key(field: Any, options: dict[str, Any]) -> forms.Field:
    remote = field.remote_model
    target = field._target()
    to_field = None if target is remote._meta.pk else target.attname
    return ModelChoiceField(remote._meta.default_manager.all(), to_field_name=to_field, **options)


def _many_to_many(field: Any, options: dict[str, Any]) -> forms.Field:
    return ModelMultipleChoiceField(field.remote_model._meta.default_manager.all(), **options)


def _skip(field: Any, options: dict[str, Any]) -> None:
    return None


FORM_FIELD_BUILDERS: dict[type, Builder] = {
    orm.AutoField: _skip,
    orm.BinaryField: _skip,
    orm.CharField: _char,
    orm.TextField: _text,
    orm.EmailField: _typed(forms.EmailField),
    orm.URLField: _typed(forms.URLField),
    orm.SlugField: _typed(forms.SlugField),
    orm.IntegerField: _integer(_INT),
    orm.SmallIntegerField: _integer(_SMALL),
    orm.BigIntegerField: _integer(_BIG),
    orm.PositiveIntegerField: _integer({"min_value": 0, "max_value": _INT["max_value"]}),
    orm.PositiveSmallIntegerField: _integer({"min_value": 0, "max_value": _SMALL["max_value"]}),
    orm.FloatField: _simple(forms.FloatField),
    orm.DecimalField: _decimal,
    orm.BooleanField: _boolean,
    orm.DateField: _simple(forms.DateField),
    orm.DateTimeField: _simple(forms.DateTimeField),
    orm.TimeField: _simple(forms.TimeField),
    orm.DurationField: _simple(forms.DurationField),
    orm.UUIDField: _simple(forms.UUIDField),
    orm.JSONField: _simple(forms.JSONField),
    orm.EnumField: _enum,
    orm.ForeignKey: _foreign_key,
    orm.ManyToManyField: _many_to_many,
}


def _with_blank(field: Any, choices: list[tuple[Any, str]]) -> list[tuple[Any, str]]:
    return choices if not field.blank and not field.has_default() else [("", "---------"), *choices]


def _capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def is_editable(field: Any) -> bool:
    return bool(field.editable) and not field.auto_created


def formfield_for(field: Any, **overrides: Any) -> forms.Field | None:
    """The form field for the model field ``field`` (None if it has none); ``overrides`` are passed to it."""
    if not is_editable(field):
        return None
    options: dict[str, Any] = {
        "required": not field.blank,
        "label": _capfirst(field.verbose_name),
        "help_text": field.help_text,
    }
    if field.has_default():
        options["initial"] = field.default
    options.update(overrides)
    if field.choices is not None and not field.is_relation and not isinstance(field, orm.EnumField):
        options.pop("max_length", None)
        return forms.TypedChoiceField(
            choices=_with_blank(field, field.choices),
            coerce=field.to_python,
            empty_value=None if field.null else "",
            **options,
        )
    for klass in type(field).__mro__:
        builder = FORM_FIELD_BUILDERS.get(klass)
        if builder is not None:
            return builder(field, options)
    raise TypeError(
        f"No form field for {type(field).__name__} {field.model.__name__ if field.model else '?'}.{field.name}; "
        "declare it on the form explicitly, or leave it out with Meta.exclude."
    )
