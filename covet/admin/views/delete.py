"""Deleting one object: a confirmation page listing what the cascade removes, then the delete on POST."""

from __future__ import annotations

from typing import TYPE_CHECKING

from covet.admin.deletion import summarize_deletion
from covet.admin.rendering import admin_render
from covet.http import RedirectResponse, Response
from covet.messages import api as messages
from covet.orm import ProtectedError, RestrictedError, atomic

from .common import get_object_or_404, require, staff_member_view

if TYPE_CHECKING:
    from covet.admin.sites import AdminSite
    from covet.http import Request


@staff_member_view
async def delete_view(site: AdminSite, request: Request, app_label: str, model_name: str, object_id: str) -> Response:
    model_admin = site.model_admin_for(app_label, model_name)
    obj = await get_object_or_404(model_admin, request, object_id)
    await require(model_admin, request, "delete", obj)
    summary = await summarize_deletion([obj])
    if request.method == "POST" and not summary.protected:
        name = str(obj)
        try:
            async with atomic():
                await model_admin.log_deletion(request, obj, name)
                await model_admin.delete_model(request, obj)
        except (ProtectedError, RestrictedError) as exc:
            summary.protected = str(exc)
        else:
            messages.success(request, f"The {model_admin.opts.verbose_name} “{name}” was deleted successfully.")
            target = "changelist" if await model_admin.has_view_permission(request) else None
            return RedirectResponse(model_admin.url(target) if target else site.url(), status_code=303)
    context = {
        "title": "Cannot delete" if summary.protected else "Are you sure?",
        "model_admin": model_admin,
        "opts": model_admin.opts,
        "object": obj,
        "summary": summary,
    }
    status = 409 if summary.protected and request.method == "POST" else 200
    return admin_render(request, site, "admin/delete_confirmation.html", context, status_code=status)
