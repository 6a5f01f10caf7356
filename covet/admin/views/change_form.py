"""The add and change pages: the model's form in fieldsets, inlines, read-only values, and the save buttons
(``_save``, ``_continue``, ``_addanother``, and ``_saveasnew`` with ``save_as``). An invalid post shows the
errors and keeps what was typed. With ``_popup`` the add page runs in a "+" popup (see ``covet.admin.popups``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from covet.admin.forms import layout, load_form_choices
from covet.admin.popups import popup_response, popup_state, related_add_links
from covet.admin.rendering import admin_render
from covet.http import RedirectResponse, Response
from covet.messages import api as messages
from covet.orm import atomic

from .common import get_object_or_404, require, staff_member_view

if TYPE_CHECKING:
    from covet.admin.options import ModelAdmin
    from covet.admin.sites import AdminSite
    from covet.http import Request


@staff_member_view
async def add_view(site: AdminSite, request: Request, app_label: str, model_name: str) -> Response:
    model_admin = site.model_admin_for(app_label, model_name)
    await require(model_admin, request, "add")
    return await form_page(model_admin, request, None)


@staff_member_view
async def change_view(site: AdminSite, request: Request, app_label: str, model_name: str, object_id: str) -> Response:
    model_admin = site.model_admin_for(app_label, model_name)
    await require(model_admin, request, "view")
    obj = await get_object_or_404(model_admin, request, object_id)
    if request.method == "POST":
        if model_admin.save_as and "_saveasnew" in await request.form():
            await require(model_admin, request, "add")
            return await form_page(model_admin, request, None, copy_of=obj)
        await require(model_admin, request, "change", obj)
    return await form_page(model_admin, request, obj)


@staff_member_view
async def object_redirect_view(
    site: AdminSite, request: Request, app_label: str, model_name: str, object_id: str
) -> Response:
    """``/admin/<app>/<model>/<id>/`` -> its change page, as Django does."""
    model_admin = site.model_admin_for(app_label, model_name)
    return RedirectResponse(model_admin.url("change", object_id), status_code=301)


async def form_page(model_admin: ModelAdmin, request: Request, obj: Any, *, copy_of: Any = None) -> Response:
    """The form of ``obj`` (None: a new object); ``copy_of`` is the object a "Save as new" post started from."""
    add = obj is None
    can_change = add or await model_admin.has_change_permission(request, obj)
    data = files = None
    if request.method == "POST":
        posted = await request.form()
        data, files = posted, posted
    is_popup, to_field = popup_state(model_admin, request, data)
    form_class = model_admin.get_form(request, obj)
    form = form_class(data, files, instance=obj) if can_change else form_class(instance=obj)
    if not can_change:
        for field in form.fields.values():
            field.disabled = True
    await load_form_choices(form, model_admin)
    inline_admins = [
        inline
        for inline in (inline_class(model_admin.model, model_admin.admin_site) for inline_class in model_admin.inlines)
        if await inline.has_view_permission(request, obj)
    ]
    formsets = [
        await inline.get_formset(request, obj, data, read_only=not can_change, copying=copy_of is not None)
        for inline in inline_admins
    ]
    if data is not None:
        form_valid = await form.is_valid()
        inlines_valid = all([await formset.is_valid() for formset in formsets])
        if form_valid and inlines_valid:
            saved = await save(model_admin, request, form, formsets, add)
            if is_popup and add:
                return popup_response(model_admin, request, saved, to_field)
            return await redirect_after_save(model_admin, request, saved, add)
    readonly = model_admin.get_readonly_fields(request, obj)
    opts = model_admin.opts
    error_count = len(form.errors) + sum(
        len(f.errors) for formset in formsets if formset.errors_present for f in formset.forms if f._errors
    )
    has_add_permission = await model_admin.has_add_permission(request)
    context = {
        "title": (f"Add {opts.verbose_name}" if add else f"{'Change' if can_change else 'View'} {opts.verbose_name}"),
        "subtitle": None if add else str(obj),
        "model_admin": model_admin,
        "opts": opts,
        "original": obj,
        "add": add,
        "form": form,
        "fieldsets": await layout(model_admin, form, model_admin.get_fieldsets(request, obj), readonly, obj),
        "inlines": [(inline, formset) for inline, formset in zip(inline_admins, formsets, strict=True)],
        "prepopulated": model_admin.prepopulated_fields,
        "error_count": error_count if data is not None else 0,
        "can_change": can_change,
        "has_add_permission": has_add_permission,
        "has_delete_permission": not add and await model_admin.has_delete_permission(request, obj),
        "is_multipart": form.is_multipart(),
        "is_popup": is_popup,
        "to_field": to_field,
        "related_links": await related_add_links(model_admin, request, form) if can_change else {},
        "save_as_new": copy_of is not None,  # an invalid "Save as new": only that button may post again
        "show_save_as_new": model_admin.save_as and not add and can_change and has_add_permission and not is_popup,
        "show_save_and_add_another": has_add_permission and not is_popup and (add or not model_admin.save_as),
    }
    status = 400 if data is not None else 200
    return admin_render(request, model_admin.admin_site, "admin/change_form.html", context, status_code=status)


async def save(model_admin: ModelAdmin, request: Request, form: Any, formsets: list[Any], add: bool) -> Any:
    """Save the object, its many-to-many links and inlines, and the history entry, in one transaction."""
    async with atomic():
        obj = await form.save(commit=False)
        await model_admin.save_model(request, obj, form, not add)
        for formset in formsets:
            formset.parent = obj
        await model_admin.save_related(request, form, formsets, not add)
        message = model_admin.construct_change_message(form, formsets, add)
        if add:
            await model_admin.log_addition(request, obj, message)
        else:
            await model_admin.log_change(request, obj, message)
    return obj


async def redirect_after_save(model_admin: ModelAdmin, request: Request, obj: Any, add: bool) -> Response:
    """Where the pressed button leads: the object again, a new form, or the changelist (as in Django)."""
    posted = await request.form()
    name = str(model_admin.opts.verbose_name)
    link = f"The {name} “{obj}” was {'added' if add else 'changed'} successfully."
    continue_with_copy = (
        "_saveasnew" in posted
        and model_admin.save_as_continue
        and await model_admin.has_change_permission(request, obj)
    )
    if "_continue" in posted or continue_with_copy:
        messages.success(request, f"{link} You may edit it again below.")
        return RedirectResponse(model_admin.url("change", obj.pk), status_code=303)
    if "_addanother" in posted:
        messages.success(request, f"{link} You may add another {name} below.")
        return RedirectResponse(model_admin.url("add"), status_code=303)
    messages.success(request, link)
    if await model_admin.has_view_permission(request):
        return RedirectResponse(model_admin.url("changelist"), status_code=303)
    return RedirectResponse(model_admin.admin_site.url(), status_code=303)
