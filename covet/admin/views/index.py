"""The admin home page (apps and models the user may see, and their recent actions) and one app's page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from covet.admin.models import LogEntry
from covet.admin.rendering import admin_render
from covet.exceptions import Http404
from covet.http import Response

from .common import staff_member_view

if TYPE_CHECKING:
    from covet.admin.sites import AdminSite
    from covet.http import Request

RECENT_ACTIONS = 10


@staff_member_view
async def index_view(site: AdminSite, request: Request) -> Response:
    recent = await LogEntry.objects.filter(user_id=request.user.pk).order_by("-action_time", "-id")[:RECENT_ACTIONS]
    context = {"title": site.index_title, "app_list": await site.get_app_list(request), "recent_actions": recent}
    return admin_render(request, site, "admin/index.html", context)


@staff_member_view
async def app_index_view(site: AdminSite, request: Request, app_label: str) -> Response:
    app_list = await site.get_app_list(request, app_label)
    if not app_list:
        raise Http404(f"The admin shows no models of an app “{app_label}” to you.")
    context = {"title": f"{app_list[0]['name']} administration", "app_list": app_list, "app_label": app_label}
    return admin_render(request, site, "admin/app_index.html", context)
