"""The forms of the add/change pages: a ``ModelForm`` per model admin, its choices, and its fieldset layout."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from covet.admin.field_display import display_value, label_for_field, value_for
from covet.admin.widgets import AutocompleteSelect, FilteredSelectMultiple, ForeignKeyRawIdInput
from covet.forms import ModelForm
from covet.forms.model_choices import ModelChoiceField

if TYPE_CHECKING:
    from covet.admin.options import BaseModelAdmin


def flatten(names: Iterable[Any]) -> list[str]:
    """``["a", ("b", "c")]`` -> ``["a", "b", "c"]`` (a tuple puts fields on one line)."""
    flat: list[str] = []
    for name in names:
        flat.extend(name if isinstance(name, list | tuple) else [name])
    return flat


def flatten_fieldsets(fieldsets: Sequence[tuple[str | None, dict[str, Any]]]) -> list[str]:
    return flatten(name for _title, options in fieldsets for name in options.get("fields", ()))


def admin_widgets(admin: BaseModelAdmin, names: Iterable[str]) -> dict[str, Any]:
    """The widgets the admin options ask for: autocomplete, raw id, filtered multi-select."""
    meta = admin.model._meta
    widgets: dict[str, Any] = {}
    for name in names:
        try:
            model_field = meta.get_field(name)
        except Exception:
            continue
        if name in admin.autocomplete_fields:
            source = {"app_label": meta.app_label, "model_name": meta.model_name, "field_name": name}
            attrs = {"multiple": True} if model_field.many_to_many else {}
            widgets[name] = AutocompleteSelect(source, admin.admin_site.url("autocomplete/"), attrs)
        elif name in admin.raw_id_fields and not model_field.many_to_many:
            remote = model_field.remote_model._meta
            widgets[name] = ForeignKeyRawIdInput(admin.admin_site.url(f"{remote.app_label}/{remote.model_name}/"))
        elif model_field.many_to_many and name not in admin.raw_id_fields:
            two_box = name in admin.filter_horizontal or name in admin.filter_vertical
            widgets[name] = FilteredSelectMultiple(
                two_box=two_box,
                stacked=name in admin.filter_vertical,
                verbose_name=str(model_field.verbose_name or name),
            )
    return widgets


def build_form_class(admin: BaseModelAdmin, fields: list[str], exclude: Iterable[str] = ()) -> type[ModelForm]:
    """A ``ModelForm`` subclass of ``admin.form`` for ``fields`` of the admin's model."""
    names = [name for name in fields if name not in set(exclude)]
    meta = type("Meta", (), {"model": admin.model, "fields": names, "widgets": admin_widgets(admin, names)})
    return type(f"{admin.model.__name__}AdminForm", (admin.form,), {"Meta": meta})


async def load_form_choices(form: ModelForm, admin: BaseModelAdmin) -> None:
    """Load select options: every row for plain selects, only the chosen ones for autocomplete and raw-id."""
    lazy = set(admin.autocomplete_fields) | set(admin.raw_id_fields)
    for name, form_field in form.fields.items():
        if name in lazy and isinstance(form_field, ModelChoiceField):
            form_field.load_choices = _selected_only_loader(form, name, form_field)  # type: ignore[method-assign]
    await form.load_choices()


def _selected_only_loader(form: ModelForm, name: str, form_field: ModelChoiceField) -> Any:
    async def load() -> None:
        bound = form[name]
        raw = bound.value()
        keys = [key for key in (raw if isinstance(raw, list | tuple) else [raw]) if key not in (None, "")]
        options: list[tuple[Any, str]] = (
            [("", form_field.empty_label or "")]
            if not form_field.widget.attrs.get("multiple") and not isinstance(raw, list)
            else []
        )
        if keys:
            try:
                keys = [form_field.convert_key(key) for key in keys]
                found = await form_field.queryset.filter(**{f"{form_field.key_attname}__in": keys})
            except Exception:  # a key of the wrong type typed by the user: shown as is, refused by validation
                found = []
            options += [(form_field.key_of(obj), form_field.label_from_instance(obj)) for obj in found]
        form_field.choices = options
        form_field.widget.choices = options  # type: ignore[attr-defined]
        form_field.widget.loaded = True  # type: ignore[attr-defined]

    return load


@dataclass
class ReadonlyField:
    """A value shown but not editable (``readonly_fields``)."""

    name: str
    label: str
    contents: Any
    help_text: str = ""
    is_readonly: bool = True
    is_hidden: bool = False


@dataclass
class FieldLine:
    cells: list[Any]


@dataclass
class Fieldset:
    name: str | None
    lines: list[FieldLine]
    classes: str = ""
    description: str | None = None
    errors: bool = field(default=False)


def widget_html(
    bound: Any, prepopulated: dict[str, Sequence[str]], related_links: dict[str, str] | None = None
) -> Markup:
    """The input of ``bound``; a prepopulated field says which inputs it is filled from (read by admin.js), and a
    relation select with an entry in ``related_links`` gets the "+" link that adds a related object in a popup."""
    sources = prepopulated.get(bound.name)
    if sources:
        prefix = bound.html_name[: -len(bound.name)]
        ids = " ".join(f"id_{prefix}{source}" for source in sources)
        html = bound.as_widget(attrs={"data-prepopulated-from": ids})
    else:
        html = bound.as_widget()
    add_url = (related_links or {}).get(bound.name)
    if not add_url:
        return html
    remote = bound.field.queryset.model._meta if hasattr(bound.field, "queryset") else None
    noun = str(remote.verbose_name) if remote is not None else str(bound.label).lower()
    link = Markup(
        '<a class="related-widget-wrapper-link add-related" id="add_{}" href="{}" data-popup="yes" '
        'target="_blank" title="Add another {}" aria-label="Add another {}">+</a>'
    ).format(bound.auto_id, add_url, noun, noun)
    return Markup('<div class="related-widget-wrapper">{}{}</div>').format(html, link)


async def layout(
    admin: BaseModelAdmin,
    form: ModelForm,
    fieldsets: Sequence[tuple[str | None, dict[str, Any]]],
    readonly: Sequence[str],
    obj: Any,
) -> list[Fieldset]:
    """The fieldsets of a page: lines of bound fields and read-only values, in the declared order."""
    model = admin.model
    result: list[Fieldset] = []
    for title, options in fieldsets:
        lines: list[FieldLine] = []
        has_errors = False
        for entry in options.get("fields", ()):
            names = list(entry) if isinstance(entry, list | tuple) else [entry]
            cells: list[Any] = []
            for name in names:
                if name in form.fields:
                    bound = form[name]
                    has_errors = has_errors or bool(bound.errors)
                    cells.append(bound)
                elif name in readonly:
                    cells.append(await readonly_cell(admin, name, obj, model))
            if cells:
                lines.append(FieldLine(cells))
        classes = " ".join(options.get("classes", ()))
        result.append(Fieldset(title, lines, classes, options.get("description"), has_errors))
    return result


async def readonly_cell(admin: BaseModelAdmin, name: str, obj: Any, model: Any) -> ReadonlyField:
    label = label_for_field(name, model, admin)
    if obj is None or obj.pk is None:
        return ReadonlyField(name, label, admin.admin_site.empty_value_display)
    source, value = await value_for(name, obj, admin)
    help_text = str(getattr(source, "help_text", "") or "")
    return ReadonlyField(name, label, display_value(value, source, admin.admin_site.empty_value_display), help_text)
