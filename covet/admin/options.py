"""``ModelAdmin``: how the admin lists, searches, edits and deletes one model, with Django's option names."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from covet.conf.importing import import_string
from covet.exceptions import ImproperlyConfigured, ValidationError
from covet.orm import Q

if TYPE_CHECKING:
    from covet.admin.sites import AdminSite
    from covet.forms import ModelForm
    from covet.http import Request

ACTIONS = ("view", "add", "change", "delete")
SEARCH_PREFIXES = {"^": "istartswith", "=": "iexact", "@": "icontains"}


class LazyFormClass:
    """A ``form`` option naming its form class by dotted path, imported when the form is first needed.

    ``ModelAdmin.form`` defaults to ``covet.forms.ModelForm`` this way, so that registering admins at start-up
    does not import the forms package (a served process that never shows an admin page never needs it). A
    subclass sets ``form = MyForm`` as usual, or ``form = LazyFormClass("myapp.admin_forms.MyForm")``.
    """

    def __init__(self, dotted_path: str) -> None:
        self.dotted_path = dotted_path

    def __get__(self, instance: object, owner: type | None = None) -> type[ModelForm]:
        form_class: type[ModelForm] = import_string(self.dotted_path)
        return form_class


class BaseModelAdmin:
    """Options shared by ``ModelAdmin`` and the inlines: which fields the form has and how they are shown."""

    fields: Sequence[Any] | None = None
    exclude: Sequence[str] | None = None
    fieldsets: Sequence[tuple[str | None, dict[str, Any]]] | None = None
    readonly_fields: Sequence[Any] = ()
    prepopulated_fields: ClassVar[dict[str, Sequence[str]]] = {}
    autocomplete_fields: Sequence[str] = ()
    raw_id_fields: Sequence[str] = ()
    filter_horizontal: Sequence[str] = ()
    filter_vertical: Sequence[str] = ()
    if TYPE_CHECKING:  # a class, as type checkers see it; a LazyFormClass until read
        form: type[ModelForm]
    else:
        form = LazyFormClass("covet.forms.ModelForm")
    ordering: Sequence[str] | None = None

    model: Any
    admin_site: AdminSite

    @property
    def opts(self) -> Any:
        return self.model._meta

    # -- permissions ----------------------------------------------------------------------------------------------

    def permission_name(self, action: str) -> str:
        return f"{self.opts.app_label}.{action}_{self.opts.model_name}"

    async def _has(self, request: Request, action: str) -> bool:
        user = getattr(request, "user", None)
        if user is None or not getattr(user, "is_active", False):
            return False
        return bool(await user.has_perm(self.permission_name(action)))

    async def has_view_permission(self, request: Request, obj: Any = None) -> bool:
        """Viewing is allowed with ``view_<model>`` or ``change_<model>``."""
        return await self._has(request, "view") or await self._has(request, "change")

    async def has_add_permission(self, request: Request, obj: Any = None) -> bool:
        return await self._has(request, "add")

    async def has_change_permission(self, request: Request, obj: Any = None) -> bool:
        return await self._has(request, "change")

    async def has_delete_permission(self, request: Request, obj: Any = None) -> bool:
        return await self._has(request, "delete")

    # -- form -----------------------------------------------------------------------------------------------------

    def get_readonly_fields(self, request: Request, obj: Any = None) -> list[Any]:
        return list(self.readonly_fields)

    def get_exclude(self, request: Request, obj: Any = None) -> list[str]:
        return list(self.exclude or ())

    def get_fields(self, request: Request, obj: Any = None) -> list[Any]:
        """The names shown on the form (editable and read-only), in order."""
        if self.fields is not None:
            return list(self.fields)
        if self.fieldsets is not None:
            from covet.admin.forms import flatten_fieldsets  # the admin's form machinery loads with its first page

            return flatten_fieldsets(self.fieldsets)
        from covet.forms.model_fields import is_editable

        excluded = set(self.get_exclude(request, obj))
        editable = [
            field.name
            for field in self.opts.get_fields(include_reverse=False)
            if is_editable(field) and field.name not in excluded
        ]
        readonly = [name for name in self.get_readonly_fields(request, obj) if name not in editable]
        return editable + readonly

    def get_fieldsets(self, request: Request, obj: Any = None) -> list[tuple[str | None, dict[str, Any]]]:
        if self.fieldsets is not None:
            return list(self.fieldsets)
        return [(None, {"fields": self.get_fields(request, obj)})]

    def form_field_names(self, request: Request, obj: Any = None, *, skip: Sequence[str] = ()) -> list[str]:
        """The editable names of the form: what is shown minus read-only and excluded ones."""
        readonly = {name for name in self.get_readonly_fields(request, obj) if isinstance(name, str)}
        excluded = set(self.get_exclude(request, obj)) | readonly | set(skip)
        from covet.admin.forms import flatten

        names = flatten(name for _title, options in self.get_fieldsets(request, obj) for name in options["fields"])
        return [name for name in names if name not in excluded and self._is_model_field(name)]

    def _is_model_field(self, name: str) -> bool:
        from covet.forms.model_fields import is_editable

        try:
            field = self.opts.get_field(name)
        except Exception:
            return name in getattr(self.form, "declared_fields", {})
        return is_editable(field)

    def get_form(self, request: Request, obj: Any = None) -> type[ModelForm]:
        from covet.admin.forms import build_form_class

        return build_form_class(self, self.form_field_names(request, obj))

    def get_queryset(self, request: Request) -> Any:
        """The objects this admin manages (override to restrict them, per user for instance)."""
        queryset = self.model._meta.default_manager.all()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_ordering(self, request: Request) -> list[str]:
        return list(self.ordering or ())


class ModelAdmin(BaseModelAdmin):
    """Everything the admin does with one model; subclass it in your app's ``admin.py``."""

    list_display: Sequence[Any] = ("__str__",)
    list_display_links: Sequence[Any] | None = ()
    list_filter: Sequence[Any] = ()
    list_select_related: bool | Sequence[str] = False
    list_per_page = 100
    list_max_show_all = 200
    list_editable: Sequence[str] = ()
    search_fields: Sequence[str] = ()
    search_help_text: str | None = None
    date_hierarchy: str | None = None
    show_full_result_count = True
    actions: Sequence[Any] | None = ()
    actions_on_top = True
    actions_on_bottom = False
    actions_selection_counter = True
    inlines: Sequence[type] = ()
    save_on_top = False
    save_as = False
    save_as_continue = True
    empty_value_display: str | None = None

    def __init__(self, model: Any, admin_site: AdminSite) -> None:
        self.model = model
        self.admin_site = admin_site

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.opts.label}>"

    def __str__(self) -> str:
        return f"{self.opts.app_label}.{type(self).__name__}"

    # -- URLs -----------------------------------------------------------------------------------------------------

    def url(self, page: str, pk: Any = None, query: str = "") -> str:
        """``changelist``, ``add``, or an object's ``change``/``delete``/``history`` page."""
        base = f"{self.opts.app_label}/{self.opts.model_name}/"
        if page == "changelist":
            path = base
        elif page == "add":
            path = f"{base}add/"
        else:
            path = f"{base}{pk}/{page}/"
        return self.admin_site.url(path) + (f"?{query}" if query else "")

    # -- permissions ----------------------------------------------------------------------------------------------

    async def has_module_permission(self, request: Request) -> bool:
        return any((await self.get_model_perms(request)).values())

    async def get_model_perms(self, request: Request) -> dict[str, bool]:
        return {
            "view": await self.has_view_permission(request),
            "add": await self.has_add_permission(request),
            "change": await self.has_change_permission(request),
            "delete": await self.has_delete_permission(request),
        }

    # -- objects --------------------------------------------------------------------------------------------------

    async def get_object(self, request: Request, object_id: str) -> Any:
        """The object with primary key ``object_id`` among ``get_queryset()``, or None (also for a malformed id)."""
        pk_field = self.opts.pk
        try:
            key = pk_field.to_python(object_id)
        except (ValidationError, ValueError, TypeError):
            return None
        return await self.get_queryset(request).filter(pk=key).first()

    def get_empty_value_display(self) -> str:
        return self.empty_value_display or self.admin_site.empty_value_display

    # -- changelist -----------------------------------------------------------------------------------------------

    def get_list_display(self, request: Request) -> list[Any]:
        return list(self.list_display)

    def get_list_display_links(self, request: Request, list_display: Sequence[Any]) -> list[Any]:
        if self.list_display_links is None:
            return []
        if self.list_display_links:
            return list(self.list_display_links)
        return [name for name in list_display if name not in self.list_editable][:1]

    def get_list_filter(self, request: Request) -> list[Any]:
        return list(self.list_filter)

    def get_search_fields(self, request: Request) -> list[str]:
        return list(self.search_fields)

    def get_list_select_related(self, request: Request) -> bool | Sequence[str]:
        return self.list_select_related

    async def get_search_results(self, request: Request, queryset: Any, search_term: str) -> tuple[Any, bool]:
        """Filter ``queryset`` by ``search_term``: every word must match one of ``search_fields`` (icontains;
        ``^`` starts-with, ``=`` exact). Values are bound parameters, so SQL metacharacters are plain text.
        Returns the queryset and whether rows may repeat (a search across a to-many relation)."""
        from covet.admin.field_display import field_path

        search_fields = self.get_search_fields(request)
        if not search_fields or not search_term.strip():
            return queryset, False
        lookups: list[str] = []
        may_repeat = False
        for name in search_fields:
            lookup = SEARCH_PREFIXES.get(name[:1])
            path = name[1:] if lookup else name
            lookups.append(f"{path}__{lookup or 'icontains'}")
            fields = field_path(self.model, path) or []
            may_repeat = may_repeat or any(f.many_to_many or getattr(f, "field", None) is not None for f in fields)
        for word in split_search_terms(search_term):
            condition = Q()
            for lookup in lookups:
                term: dict[str, Any] = {lookup: word}
                condition |= Q(**term)
            queryset = queryset.filter(condition)
        return queryset, may_repeat

    # -- actions --------------------------------------------------------------------------------------------------

    async def get_actions(self, request: Request) -> dict[str, tuple[Any, str, str]]:
        """``name -> (function, name, description)`` of the actions this user may run here."""
        if self.actions is None:
            return {}
        candidates: list[tuple[Any, str]] = [(func, name) for name, func in self.admin_site.actions.items()]
        for entry in self.actions:
            func = self._action_function(entry)
            name = entry if isinstance(entry, str) else func.__name__
            candidates.append((func, name))
        found: dict[str, tuple[Any, str, str]] = {}
        for func, name in candidates:
            allowed = getattr(func, "allowed_permissions", ())
            checks = [getattr(self, f"has_{permission}_permission") for permission in allowed]
            if all([await check(request) for check in checks]):
                description = getattr(func, "short_description", None) or name.replace("_", " ").capitalize()
                if "%(verbose_name_plural)s" in description:  # Django's placeholder; other "%" stay as typed
                    description = description.replace("%(verbose_name_plural)s", str(self.opts.verbose_name_plural))
                found[name] = (func, name, description)
        return found

    def _action_function(self, entry: Any) -> Any:
        """The callable behind one ``actions`` entry, always run as ``func(model_admin, request, queryset)``.

        A string names a method of this admin (taken unbound, like Django) or else a site-wide action such as
        ``"delete_selected"``; a bound method already carries its ``self`` so it is wrapped to drop the
        ``model_admin`` argument; a plain function is used as it is.
        """
        if isinstance(entry, str):
            name = entry
            entry = getattr(type(self), name, None) or self.admin_site.actions.get(name)
            if entry is None:
                raise ImproperlyConfigured(
                    f"{type(self).__name__}.actions names {name!r}, but neither {type(self).__name__} has such a "
                    "method nor the admin site such an action; define it on the admin class or list the action "
                    "function itself."
                )
        if inspect.ismethod(entry):
            return _without_model_admin(entry)
        return entry

    # -- saving and history -----------------------------------------------------------------------------------------

    async def save_model(self, request: Request, obj: Any, form: ModelForm, change: bool) -> None:
        await obj.save()

    async def save_related(self, request: Request, form: ModelForm, formsets: Sequence[Any], change: bool) -> None:
        await form.save_m2m()
        for formset in formsets:
            await formset.save()

    async def delete_model(self, request: Request, obj: Any) -> None:
        await obj.delete()

    async def delete_queryset(self, request: Request, queryset: Any) -> None:
        await queryset.delete()

    def construct_change_message(self, form: ModelForm, formsets: Sequence[Any], add: bool) -> str:
        """What changed, in words: ``Changed title and body.``, plus what the inlines added/changed/deleted."""
        parts: list[str] = []
        if add:
            parts.append("Added.")
        elif form.changed_data:
            labels = [str(form.fields[name].label or name) for name in form.changed_data if name in form.fields]
            parts.append(f"Changed {_join_words([label.lower() for label in labels])}.")
        for formset in formsets:
            parts.extend(formset.change_messages())
        return " ".join(parts)

    async def log_addition(self, request: Request, obj: Any, message: str) -> None:
        from covet.admin.models import ADDITION, log_action  # the models module needs loaded settings

        await log_action(request.user, obj, ADDITION, message)

    async def log_change(self, request: Request, obj: Any, message: str) -> None:
        from covet.admin.models import CHANGE, log_action

        await log_action(request.user, obj, CHANGE, message)

    async def log_deletion(self, request: Request, obj: Any, object_repr: str) -> None:
        from covet.admin.models import DELETION, log_action

        await log_action(request.user, obj, DELETION, "")


def split_search_terms(term: str) -> list[str]:
    """Words of a search, with "quoted phrases" kept whole."""
    import shlex

    try:
        return [word for word in shlex.split(term) if word]
    except ValueError:  # an unbalanced quote: search the words as typed
        return [word for word in term.split() if word]


def _join_words(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _without_model_admin(method: Callable[..., Any]) -> Callable[..., Any]:
    """Adapt a bound method (it has its own ``self``) to the ``(model_admin, request, queryset)`` action call."""

    @functools.wraps(method)
    async def action(model_admin: Any, request: Any, queryset: Any) -> Any:
        result = method(request, queryset)
        return await result if inspect.isawaitable(result) else result

    return action
