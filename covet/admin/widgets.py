"""The admin's own widgets: an autocomplete select, a raw-id input and a filterable (or two-box) multi-select.

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
    """A multi-select with a filter box above it that hides the options not matching what is typed.

    With ``two_box`` (``filter_horizontal`` / ``filter_vertical``), ``admin.js`` turns it into two lists,
    available and chosen, side by side (``stacked=False``) or one above the other; the ``<select multiple>``
    stays in the form, hidden, and is what is submitted, so the page works without JavaScript too.
    """

    def __init__(
        self,
        attrs: Mapping[str, Any] | None = None,
        *,
        two_box: bool = False,
        stacked: bool = False,
        verbose_name: str = "",
    ) -> None:
        super().__init__(attrs)
        self.two_box = two_box
        self.stacked = stacked
        self.verbose_name = verbose_name

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
        wrapper: dict[str, Any] = {"class": "selector"}
        if self.two_box:
            wrapper = {
                "class": "selector two-box " + ("stacked" if self.stacked else "horizontal"),
                "data-two-box": "vertical" if self.stacked else "horizontal",
                "data-verbose-name": self.verbose_name or name,
            }
        return Markup("<div{}><input{}>{}{}</div>").format(flatatt(wrapper), flatatt(filter_attrs), select, hint)
