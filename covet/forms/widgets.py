"""Widgets: how a form field appears in HTML and how its value is read back from submitted data.

Every widget renders markup-safe HTML with the values escaped; attributes with the value ``True`` are written
bare (``required``), ``False`` and ``None`` are left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup

Choices = list[tuple[Any, str]]


def flatatt(attrs: Mapping[str, Any]) -> Markup:
    """`` name="value"`` pairs for ``attrs`` (escaped), booleans as bare attributes."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(Markup(" {}").format(name))
        elif value is not False and value is not None:
            parts.append(Markup(' {}="{}"').format(name, value))
    return Markup("").join(parts)


def getlist(data: Any, name: str) -> list[Any]:
    """All values submitted under ``name``, from a multi-dict (``getlist``) or a plain mapping."""
    if data is None:
        return []
    if hasattr(data, "getlist"):
        return list(data.getlist(name))
    value = data.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


class Widget:
    input_type: str | None = None
    is_hidden = False
    needs_multipart_form = False

    def __init__(self, attrs: Mapping[str, Any] | None = None) -> None:
        self.attrs: dict[str, Any] = dict(attrs or {})

    def format_value(self, value: Any) -> str | None:
        """The value as the text put in the HTML (None for "no value")."""
        if value is None or value == "":
            return None
        return str(value)

    def build_attrs(self, extra: Mapping[str, Any] | None) -> dict[str, Any]:
        return {**self.attrs, **(extra or {})}

    def render(self, name: str, value: Any, attrs: Mapping[str, Any] | None = None) -> Markup:
        raise NotImplementedError

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        """The submitted value of this widget (None when absent)."""
        values = getlist(data, name)
        return values[-1] if values else None

    def id_for_label(self, element_id: str) -> str:
        return element_id


class Input(Widget):
    input_type = "text"

    def render(self, name: str, value: Any, attrs: Mapping[str, Any] | None = None) -> Markup:
        formatted = self.format_value(value)
        all_attrs = {"type": self.input_type, "name": name, **({"value": formatted} if formatted is not None else {})}
        return Markup("<input{}>").format(flatatt({**all_attrs, **self.build_attrs(attrs)}))


class TextInput(Input):
    input_type = "text"


class EmailInput(Input):
    input_type = "email"


class URLInput(Input):
    input_type = "url"


class NumberInput(Input):
    input_type = "number"


class HiddenInput(Input):
    input_type = "hidden"
    is_hidden = True


class PasswordInput(Input):
    """A password box; the submitted value is not echoed back unless ``render_value=True``."""

    input_type = "password"

    def __init__(self, attrs: Mapping[str, Any] | None = None, render_value: bool = False) -> None:
        super().__init__(attrs)
        self.render_value = render_value

    def format_value(self, value: Any) -> str | None:
        return super().format_value(value) if self.render_value else None


class DateInput(Input):
    input_type = "date"

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.datetime):
            value = value.date()
        return value.isoformat() if isinstance(value, dt.date) else super().format_value(value)


class DateTimeInput(Input):
    input_type = "datetime-local"

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None).isoformat(timespec="seconds" if value.second else "minutes")
        return super().format_value(value)


class TimeInput(Input):
    input_type = "time"

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.time):
            return value.isoformat(timespec="seconds" if value.second else "minutes")
        return super().format_value(value)


class FileInput(Input):
    """A file picker; never renders a value (browsers ignore it), reads from the uploaded files."""

    input_type = "file"
    needs_multipart_form = True

    def format_value(self, value: Any) -> str | None:
        return None

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        values = getlist(files, name)
        if values:
            return values[-1]
        # A text value under a file input's name means the form was not sent as multipart: let the field say so.
        texts = getlist(data, name)
        return texts[-1] if texts else None


class Textarea(Widget):
    def __init__(self, attrs: Mapping[str, Any] | None = None) -> None:
        super().__init__({"cols": "40", "rows": "10", **(attrs or {})})

    def render(self, name: str, value: Any, attrs: Mapping[str, Any] | None = None) -> Markup:
        # The newline after the tag: browsers drop one leading newline, so a value starting with one survives.
        return Markup("<textarea{}>\n{}</textarea>").format(
            flatatt({"name": name, **self.build_attrs(attrs)}), self.format_value(value) or ""
        )


class CheckboxInput(Input):
    """A checkbox: checked when the value is truthy; unchecked boxes are not submitted at all (so: False)."""

    input_type = "checkbox"
    _FALSE_TEXTS = frozenset({"", "false", "0", "off", "no"})

    def render(self, name: str, value: Any, attrs: Mapping[str, Any] | None = None) -> Markup:
        checked = bool(value) and not (isinstance(value, str) and value.lower() in self._FALSE_TEXTS)
        return Markup("<input{}>").format(
            flatatt({"type": "checkbox", "name": name, "checked": checked, **self.build_attrs(attrs)})
        )

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        values = getlist(data, name)
        if not values:
            return False
        value = values[-1]
        return not (isinstance(value, str) and value.lower() in self._FALSE_TEXTS)


class ChoiceWidget(Widget):
    allow_multiple_selected = False

    def __init__(self, attrs: Mapping[str, Any] | None = None, choices: Iterable[tuple[Any, str]] = ()) -> None:
        super().__init__(attrs)
        self.choices: Choices = list(choices)

    def selected_values(self, value: Any) -> set[str]:
        if value is None:
            return set()
        values = value if isinstance(value, list | tuple | set) else [value]
        return {str(item) for item in values if item is not None}


class Select(ChoiceWidget):
    def render(self, name: str, value: Any, attrs: Mapping[str, Any] | None = None) -> Markup:
        selected = self.selected_values(value)
        options = Markup("").join(
            Markup("<option{}>{}</option>").format(
                flatatt({"value": "" if option is None else option, "selected": str(option) in selected}), label
            )
            for option, label in self.choices
        )
        select_attrs = {"name": name, "multiple": self.allow_multiple_selected, **self.build_attrs(attrs)}
        return Markup("<select{}>{}</select>").format(flatatt(select_attrs), options)


class SelectMultiple(Select):
    allow_multiple_selected = True

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return getlist(data, name)


class CheckboxSelectMultiple(ChoiceWidget):
    """One labelled checkbox per choice, ids ``<id>_0``, ``<id>_1``, ..."""

    allow_multiple_selected = True

    def render(self, name: str, value: Any, attrs: Mapping[str, Any] | None = None) -> Markup:
        selected = self.selected_values(value)
        all_attrs = self.build_attrs(attrs)
        base_id = all_attrs.pop("id", None)
        all_attrs.pop("required", None)  # "at least one" cannot be expressed per checkbox
        items = []
        for index, (option, label) in enumerate(self.choices):
            box_attrs = {"type": "checkbox", "name": name, "value": option, "checked": str(option) in selected,
                         "id": f"{base_id}_{index}" if base_id else None, **all_attrs}  # fmt: skip
            items.append(Markup("<li><label><input{}> {}</label></li>").format(flatatt(box_attrs), label))
        return Markup('<ul{}class="checkbox-list">{}</ul>').format(
            Markup(' id="{}" ').format(base_id) if base_id else Markup(" "), Markup("").join(items)
        )

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return getlist(data, name)

    def id_for_label(self, element_id: str) -> str:
        return f"{element_id}_0"
