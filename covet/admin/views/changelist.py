"""The changelist page: rows with search, filters, sorting and pages; actions and ``list_editable`` saving."""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

from covet.admin.changelist import ChangeList
from covet.admin.forms import build_form_class, load_form_choices
from covet.admin.rendering import admin_render
from covet.exceptions import PermissionDenied
from covet.http import RedirectResponse, Response
from covet.messages import api as messages

from .common import require, staff_member_view

if TYPE_CHECKING:
    from covet.admin.options import ModelAdmin
    from covet.admin.sites import AdminSite
    from covet.http import Request

ACTION_CHECKBOX = "_selected_action"


@staff_member_view
async def changelist_view(site: AdminSite, request: Request, app_label: str, model_name: str) -> Response:
    model_admin = site.model_admin_for(app_label, model_name)
    await require(model_admin, request, "view")
    editable_forms: dict[Any, Any] | None = None
    if request.method == "POST":
        form = await request.form()
        if "action" in form and "_save" not in form:
            return await run_action(model_admin, request)
        if "_save" in form and model_admin.list_editable:
            await require(model_admin, request, "change")
            changelist = await ChangeList(request, model_admin).build()
            editable_forms, saved = await save_list_editable(model_admin, request, changelist, form)
            if saved is not None:
                return saved
            return await render_changelist(model_admin, request, changelist, editable_forms, status_code=400)
    changelist = await ChangeList(request, model_admin).build()
    if model_admin.list_editable and await model_admin.has_change_permission(request):
        editable_forms = await list_editable_forms(model_admin, changelist, None)
    return await render_changelist(model_admin, request, changelist, editable_forms)


async def render_changelist(
    model_admin: ModelAdmin,
    request: Request,
    changelist: ChangeList,
    forms: dict[Any, Any] | None,
    status_code: int = 200,
) -> Response:
    actions = await model_admin.get_actions(request)
    opts = model_admin.opts
    rows = await changelist.rows(forms, checkboxes=bool(actions))
    context = {
        "title": f"Select {opts.verbose_name} to change"
        if await model_admin.has_change_permission(request)
        else f"Select {opts.verbose_name} to view",
        "model_admin": model_admin,
        "opts": opts,
        "cl": changelist,
        "rows": rows,
        "filters": [(f, await f.choices(changelist.query_string)) for f in changelist.filters],
        "date_hierarchy": await changelist.date_hierarchy_choices(),
        "actions": list(actions.values()),
        "has_add_permission": await model_admin.has_add_permission(request),
        "list_editable": bool(forms),
        "search_fields": bool(model_admin.get_search_fields(request)),
    }
    return admin_render(request, model_admin.admin_site, "admin/change_list.html", context, status_code=status_code)


async def run_action(model_admin: ModelAdmin, request: Request) -> Response:
    """Run the posted ``action`` on the ``_selected_action`` objects (or on all of them with ``select_across``)."""
    form = await request.form()
    back = model_admin.url("changelist") + (f"?{request.url.query}" if request.url.query else "")
    actions = await model_admin.get_actions(request)
    name = str(form.get("action", ""))
    if name not in actions:
        if name:
            plural = model_admin.opts.verbose_name_plural
            raise PermissionDenied(f"There is no action “{name}” you may run on {plural}.")
        messages.warning(request, "No action selected.")
        return RedirectResponse(back, status_code=303)
    func, _name, _description = actions[name]
    queryset = model_admin.get_queryset(request)
    if str(form.get("select_across", "0")) != "1":
        selected = [str(value) for value in form.getlist(ACTION_CHECKBOX)]
        if not selected:
            messages.warning(
                request, "Items must be selected in order to perform actions on them. No items have been changed."
            )
            return RedirectResponse(back, status_code=303)
        pk_field = model_admin.opts.pk
        try:
            keys = [pk_field.to_python(value) for value in selected]
        except Exception:
            messages.error(request, "The selection was not understood (malformed ids). Nothing was changed.")
            return RedirectResponse(back, status_code=303)
        queryset = queryset.filter(pk__in=keys)
    if getattr(func, "requires_confirmation", False) and form.get("post") != "yes":
        return admin_render(
            request,
            model_admin.admin_site,
            "admin/action_confirmation.html",
            {
                "title": "Are you sure?",
                "model_admin": model_admin,
                "opts": model_admin.opts,
                "objects": await queryset,
                "action_name": name,
                "description": _description,
            },
        )
    response = func(model_admin, request, queryset)
    if inspect.isawaitable(response):  # Django-style synchronous actions are welcome too
        response = await response
    return response if response is not None else RedirectResponse(back, status_code=303)


async def list_editable_forms(model_admin: ModelAdmin, changelist: ChangeList, data: Any) -> dict[Any, Any]:
    """One small form per row for the ``list_editable`` fields, prefixed ``form-<n>`` like Django's formset."""
    form_class = build_form_class(model_admin, list(model_admin.list_editable))
    forms: dict[Any, Any] = {}
    for index, obj in enumerate(changelist.results):
        form = form_class(data, instance=obj, prefix=f"form-{index}")
        await load_form_choices(form, model_admin)
        forms[obj.pk] = form
    return forms


async def save_list_editable(
    model_admin: ModelAdmin, request: Request, changelist: ChangeList, data: Any
) -> tuple[dict[Any, Any], Response | None]:
    """Validate every row; if all are valid, save the changed ones, log them and redirect."""
    forms = await list_editable_forms(model_admin, changelist, data)
    submitted = {str(data.get(f"form-{index}-id", "")) for index in range(len(forms))}
    if submitted - {""} and submitted != {str(pk) for pk in forms}:
        messages.error(
            request,
            "The list changed since the page was loaded (rows were added or removed); "
            "nothing was saved. Check the values and save again.",
        )
        return forms, RedirectResponse(model_admin.url("changelist"), status_code=303)
    valid = True
    for form in forms.values():
        if not await form.is_valid():
            valid = False
    if not valid:
        messages.error(request, "Please correct the errors below.")
        return forms, None
    changed = 0
    for form in forms.values():
        if form.has_changed():
            obj = await form.save()
            await model_admin.log_change(request, obj, model_admin.construct_change_message(form, [], False))
            changed += 1
    noun = model_admin.opts.verbose_name if changed == 1 else model_admin.opts.verbose_name_plural
    messages.success(request, f"{changed} {noun} changed successfully.")
    query = f"?{request.url.query}" if request.url.query else ""
    return forms, RedirectResponse(model_admin.url("changelist") + query, status_code=303)
