"""``admin_render``: an admin template with the variables every admin page needs (site, user, CSRF, messages)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from covet.admin.field_display import local_time
from covet.admin.forms import widget_html
from covet.messages.api import get_messages
from covet.middleware.csrf import csrf_input
from covet.templates import TemplateResponse, render

if TYPE_CHECKING:
    from covet.admin.sites import AdminSite
    from covet.http import Request


def admin_render(
    request: Request, site: AdminSite, template: str, context: Mapping[str, Any], status_code: int = 200
) -> TemplateResponse:
    """Render ``template`` with the site's context; works whatever context processors the project enabled."""
    full = {
        **site.each_context(request),
        "request": request,
        "user": getattr(request, "user", None),
        "csrf_input": csrf_input(request),
        "messages": get_messages(request),
        "widget_html": widget_html,
        "local_time": local_time,
        **context,
    }
    return render(request, template, full, status_code=status_code, headers={"Cache-Control": "no-store"})
