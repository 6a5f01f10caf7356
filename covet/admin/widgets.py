"""The admin's own widgets: an autocomplete select, a raw-id input and a filterable multi-select.

Their choices are loaded by ``covet.admin.forms.load_form_choices``: an autocomplete select and a raw-id input
only load the selected object (their point is not to list a large table); the rest is done by ``admin.js``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from covet.forms import Select, SelectMultiple, TextInput
from covet.forms.widgets import flatatt, getlist


class AutocompleteSelect(Select):
    """A ``<select>`` whose options are searched on the server as the user types (``/admin/autocomplete/``)."""

    loaded = False

    def __init__(self, source: Mapping[str, str], url: str, attrs: Mapping[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.source = dict(source)
        self.url = url

    def render(self, name: str, value: Any, attrs: Mapping[str, Any] | None = None) -> Markup:
        data = {
            "class": "admin-autocomplete",
            "data-autocomplete-url": self.url,
            "data-app-label": self.source["app_label"],
            "data-model-name": self.source["model_name"],
            "data-field-name": self.source["field_name"],
        }
        return super().render(name, value, {**data, **(attrs or {})})

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if self.attrs.get("multiple"):  # for a many-to-many field
            return getlist(data, name)
        return super().value_from_datadict(data, files, name)


class ForeignKeyRawIdInput(TextInput):
    """The related object's key typed in a text box, with a link to look it up and its name beside it."""

    loaded = False

    def __init__(self, lookup_url: str, attrs: Mapping[str, Any] | None = None) -> None:
        super().__init__({"class": "vForeignKeyRawIdAdminField", **(attrs or {})})
        self.lookup_url = lookup_url
        self.choices: list[tuple[Any, str]] = []

    def render(self, name: str, value: Any, attrs: Mapping[str, Any] | None = None) -> Markup:
        box = super().render(name, value, attrs)
        chosen = next((label for key, label in self.choices if key not in ("", None) and str(key) == str(value)), "")
        link = Markup('<a class="related-lookup" href="{}" target="_blank" rel="noopener">Look up</a>').format(
            self.lookup_url
        )
        label = Markup('<strong class="raw-id-label">{}</strong>').format(chosen) if chosen else Markup("")
        return Markup('<span class="raw-id">{} {} {}</span>').format(box, link, label)


class FilteredSelectMultiple(SelectMultiple):
    """A multi-select with a filter box above it that hides the options not matching what is typed."""

    def render(self, name: str, value: Any, attrs: Mapping[str, Any] | None = None) -> Markup:
        built = {"class": "filtered", **(attrs or {})}
        select = super().render(name, value, built)
        element_id = built.get("id", name)
        filter_attrs = {
            "type": "search",
            "class": "selector-filter",
            "placeholder": "Filter",
            "aria-label": "Filter the choices",
            "data-filter-for": element_id,
        }
        hint = Markup('<p class="help">Hold down Ctrl (⌘ on a Mac) to select more than one.</p>')
        return Markup('<div class="selector"><input{}>{}{}</div>').format(flatatt(filter_attrs), select, hint)
