"""How a ``list_display``/``readonly_fields`` entry is labelled and shown for one object.

An entry is a field name, a related path (``author__username``), a ``ModelAdmin`` method or attribute name, a
model method or attribute name, a callable ``f(obj)``, or ``"__str__"``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import inspect
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from covet.orm import FieldError

LOOKUP_SEP = "__"


def field_path(model: Any, name: str) -> list[Any] | None:
    """The fields along ``name`` (``author__username`` -> [author FK, username]), or None if not a field path."""
    fields: list[Any] = []
    current = model
    for part in name.split(LOOKUP_SEP):
        if current is None:
            return None
        try:
            field = current._meta.get_field(part)
        except (FieldError, AttributeError):
            return None
        fields.append(field)
        current = getattr(field, "remote_model", None) if getattr(field, "is_relation", False) else None
    return fields


def related_paths(model: Any, names: list[Any]) -> list[str]:
    """The forward ForeignKey paths ``select_related`` needs to show ``names`` without a query per row."""
    paths: list[str] = []
    for name in names:
        if not isinstance(name, str):
            continue
        fields = field_path(model, name)
        if not fields:
            continue
        hops: list[str] = []
        for field in fields:
            if not (getattr(field, "is_relation", False) and not field.many_to_many and hasattr(field, "attname")):
                break
            if getattr(field, "field", None) is not None:  # a reverse relation: not select_related-able
                break
            hops.append(field.name)
        if hops:
            paths.append(LOOKUP_SEP.join(hops))
    return list(dict.fromkeys(paths))


def _resolve_attribute(name: Any, model: Any, model_admin: Any) -> Callable[..., Any] | str | None:
    if callable(name):
        return name
    if hasattr(model_admin, name) and name != "__str__":
        return getattr(model_admin, name)
    return name if hasattr(model, name) else None


def label_for_field(name: Any, model: Any, model_admin: Any = None) -> str:
    """The column header / readonly label of an entry."""
    if name == "__str__":
        return str(model._meta.verbose_name).capitalize()
    if isinstance(name, str):
        fields = field_path(model, name)
        if fields:
            last = fields[-1]
            label = getattr(last, "verbose_name", None) or last.name
            return str(label)[:1].upper() + str(label)[1:]
    target = _resolve_attribute(name, model, model_admin)
    if target is None:
        raise AttributeError(
            f"Unable to show {name!r} for {model.__name__}: it is neither a field, nor an attribute of "
            f"{model.__name__} or of its ModelAdmin. Fix list_display / readonly_fields."
        )
    if isinstance(target, str):
        attribute = getattr(model, target)
        description = getattr(getattr(attribute, "fget", attribute), "short_description", None)
        return description or target.replace("_", " ").capitalize()
    description = getattr(target, "short_description", None)
    if description:
        return str(description)
    return "--" if getattr(target, "__name__", "") == "<lambda>" else target.__name__.replace("_", " ").capitalize()


def order_field_for(name: Any, model: Any, model_admin: Any = None) -> str | None:
    """The field a column sorts by (its own path, or a callable's ``admin_order_field``), or None."""
    if name == "__str__":
        return None
    if isinstance(name, str) and field_path(model, name):
        fields = field_path(model, name) or []
        if fields[-1].many_to_many or getattr(fields[-1], "field", None) is not None:
            return None
        return name
    target = _resolve_attribute(name, model, model_admin)
    if isinstance(target, str):
        target = getattr(model, target)
        target = getattr(target, "fget", target)
    order = getattr(target, "admin_order_field", None)
    return str(order) if order else None


class Accessor:
    """Reads one entry's value from objects; what the entry is gets resolved once, not per row."""

    def __init__(self, name: Any, model: Any, model_admin: Any = None) -> None:
        self.name = name
        self.fields = field_path(model, name) if isinstance(name, str) and name != "__str__" else None
        self.target: Any = None
        self.source: Any = self.fields[-1] if self.fields else None
        if name != "__str__" and not self.fields:
            target = _resolve_attribute(name, model, model_admin)
            if target is None:
                raise AttributeError(f"{model.__name__} has no field or attribute {name!r} (used in the admin).")
            self.target = target
            if isinstance(target, str):
                attribute = getattr(model, target, None)
                self.source = getattr(attribute, "fget", attribute)
            else:
                self.source = target

    async def __call__(self, obj: Any) -> Any:
        if self.name == "__str__":
            return str(obj)
        if self.fields:
            return await self._follow(obj)
        if isinstance(self.target, str):
            value = getattr(obj, self.target)
            if callable(value):
                value = value()
        else:
            value = self.target(obj)
        if inspect.isawaitable(value):
            value = await value
        return value

    async def _follow(self, obj: Any) -> Any:
        value: Any = obj
        for field in self.fields or ():
            if value is None:
                break
            if field.many_to_many:
                return ", ".join(str(item) for item in await getattr(value, field.name).all())
            if field.is_relation:
                value = getattr(value, field.name, None)
                if inspect.isawaitable(value):  # a ForeignKey that select_related() did not load
                    value = await value
            else:
                value = value.__dict__.get(field.attname)
        return value


async def value_for(name: Any, obj: Any, model_admin: Any = None) -> tuple[Any, Any]:
    """``(field_or_callable, value)`` of an entry for ``obj``; callables and coroutine methods are called."""
    accessor = Accessor(name, type(obj), model_admin)
    value = await accessor(obj)
    return (None if accessor.fields and accessor.fields[-1].many_to_many else accessor.source), value


BOOLEAN_ICONS = {
    True: Markup('<span class="bool bool-yes" title="Yes" aria-label="Yes">✔</span>'),
    False: Markup('<span class="bool bool-no" title="No" aria-label="No">✘</span>'),
    None: Markup('<span class="bool bool-unknown" title="Unknown" aria-label="Unknown">?</span>'),
}


def local_time(value: dt.datetime) -> dt.datetime:
    """An aware datetime in ``settings.TIME_ZONE`` (how the admin shows times); naive ones unchanged."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from covet.conf import settings

    if value.tzinfo is None:
        return value
    try:
        return value.astimezone(ZoneInfo(str(getattr(settings, "TIME_ZONE", None) or "UTC")))
    except ZoneInfoNotFoundError:
        return value


def display_value(value: Any, field_or_callable: Any, empty_value: str = "-") -> Any:
    """``value`` as shown in a cell: choices by label, booleans as icons, dates in ISO form, empty as a dash."""
    is_boolean = getattr(field_or_callable, "boolean", False) or type(field_or_callable).__name__ == "BooleanField"
    if is_boolean:
        return BOOLEAN_ICONS.get(None if value is None else bool(value), BOOLEAN_ICONS[None])
    choices = getattr(field_or_callable, "choices", None)
    if choices and not callable(choices):
        labels = {str(key): label for key, label in choices}
        key = getattr(value, "value", value)
        if str(key) in labels:
            return labels[str(key)]
    if value is None or value == "":
        return getattr(field_or_callable, "empty_value_display", None) or empty_value
    if isinstance(value, dt.datetime):
        return local_time(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | float):
        return f"{value:,}"
    return value
