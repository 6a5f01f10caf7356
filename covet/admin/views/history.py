"""An object's history: every LogEntry recorded for it, oldest first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from covet.admin.models import LogEntry
from covet.admin.rendering import admin_render
from covet.http import Response

from .common import get_object_or_404, require, staff_member_view

if TYPE_CHECKING:
    from covet.admin.sites import AdminSite
    from covet.http import Request


@staff_member_view
async def history_view(site: AdminSite, request: Request, app_label: str, model_name: str, object_id: str) -> Response:
    model_admin = site.model_admin_for(app_label, model_name)
    await require(model_admin, request, "view")
    obj = await get_object_or_404(model_admin, request, object_id)
    entries = (
        await LogEntry.objects.filter(
            app_label=model_admin.opts.app_label, model_name=model_admin.opts.model_name, object_id=str(obj.pk)
        )
        .select_related("user")
        .order_by("action_time", "id")
    )
    context = {
        "title": f"Change history: {obj}",
        "model_admin": model_admin,
        "opts": model_admin.opts,
        "object": obj,
        "entries": entries,
    }
    return admin_render(request, site, "admin/object_history.html", context)
