"""``BoundField``: a field of one form instance — its value (submitted or initial), errors and HTML.

In a template: ``{{ field.label_tag() }} {{ field }} {{ field.errors }}``; ``{{ field }}`` is the widget with
``id="id_<name>"``, ``name="<name>"``, ``required``/``maxlength`` from the field, and ``aria-invalid`` plus
``aria-describedby`` pointing at the errors when there are some.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from covet.forms.errors import ErrorList
from covet.forms.fields.base import Field
from covet.forms.widgets import Widget, flatatt

if TYPE_CHECKING:
    from covet.forms.form import Form


class BoundField:
    def __init__(self, form: Form, field: Field, name: str) -> None:
        self.form = form
        self.field = field
        self.name = name
        self.html_name = form.add_prefix(name)
        self.label = field.label if field.label is not None else pretty_name(name)
        self.help_text = field.help_text

    # -- values ---------------------------------------------------------------------------------------------
    @property
    def data(self) -> Any:
        """What was submitted for this field (None if nothing)."""
        return self.field.widget.value_from_datadict(self.form.data, self.form.files, self.html_name)

    @property
    def initial(self) -> Any:
        return self.form.get_initial_for_field(self.field, self.name)

    def value(self) -> Any:
        """What the widget shows: the submitted data for a bound form (so users see what they typed), else the
        initial value."""
        value = self.initial
        if self.form.is_bound:
            value = self.field.bound_data(self.data, value)
        return self.field.prepare_value(value)

    # -- errors ---------------------------------------------------------------------------------------------
    @property
    def errors(self) -> ErrorList:
        found = self.form.field_errors(self.name)
        return ErrorList(found, element_id=f"{self.auto_id}_error" if self.auto_id else None)

    # -- HTML -----------------------------------------------------------------------------------------------
    @property
    def auto_id(self) -> str:
        template = self.form.auto_id
        return template % self.html_name if template else ""

    @property
    def id_for_label(self) -> str:
        widget: Widget = self.field.widget
        return widget.id_for_label(self.auto_id) if self.auto_id else ""

    @property
    def is_hidden(self) -> bool:
        return bool(self.field.widget.is_hidden)

    def build_widget_attrs(self, attrs: dict[str, Any] | None = None) -> dict[str, Any]:
        widget: Widget = self.field.widget
        built: dict[str, Any] = {**self.field.widget_attrs(widget)}
        if self.auto_id and "id" not in widget.attrs:
            built["id"] = self.auto_id
        if self.field.required and self.form.use_required_attribute and not widget.is_hidden:
            built["required"] = True
        if self.field.disabled:
            built["disabled"] = True
        described_by = []
        if self.help_text and self.auto_id:
            described_by.append(f"{self.auto_id}_helptext")
        if self.errors:
            built["aria-invalid"] = "true"
            if self.auto_id:
                described_by.append(f"{self.auto_id}_error")
        if described_by:
            built["aria-describedby"] = " ".join(described_by)
        built.update(attrs or {})
        return built

    def as_widget(self, widget: Widget | None = None, attrs: dict[str, Any] | None = None) -> Markup:
        """The field's input element(s); ``attrs`` adds or overrides HTML attributes."""
        chosen: Widget = widget or self.field.widget
        return chosen.render(self.html_name, self.value(), self.build_widget_attrs(attrs))

    def as_hidden(self) -> Markup:
        return self.as_widget(self.field.hidden_widget())

    def label_tag(self, contents: str | None = None, attrs: dict[str, Any] | None = None) -> Markup:
        """``<label for="id_<name>">Label</label>`` (with ``class="required"`` for required fields)."""
        label_attrs: dict[str, Any] = {"for": self.id_for_label or None, **(attrs or {})}
        if self.field.required and "class" not in label_attrs:
            label_attrs["class"] = "required"
        return Markup("<label{}>{}</label>").format(flatatt(label_attrs), contents or self.label)

    def help_tag(self) -> Markup:
        if not self.help_text:
            return Markup("")
        element_id = f"{self.auto_id}_helptext" if self.auto_id else None
        return Markup('<div class="helptext"{}>{}</div>').format(flatatt({"id": element_id}), self.help_text)

    def css_classes(self) -> str:
        classes = ["field", f"field-{self.name}"]
        if self.errors:
            classes.append("errors")
        if self.field.required:
            classes.append("required")
        return " ".join(classes)

    def __html__(self) -> Markup:
        return self.as_widget()

    def __str__(self) -> str:
        return str(self.as_widget())

    def __repr__(self) -> str:
        return f"<BoundField {self.name} of {type(self.form).__name__}>"


def pretty_name(name: str) -> str:
    """``pub_date`` -> ``Pub date``."""
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]
