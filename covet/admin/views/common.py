"""What every admin page checks first: a signed-in staff user (else the login page) and the model's permission."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from covet.exceptions import Http404, PermissionDenied
from covet.http import RedirectResponse

if TYPE_CHECKING:
    from covet.admin.options import ModelAdmin
    from covet.admin.sites import AdminSite
    from covet.http import Request

PERMISSION_WORDS = {"view": "view", "add": "add", "change": "change", "delete": "delete"}


async def staff_or_login(site: AdminSite, request: Request) -> RedirectResponse | None:
    """None for an active staff user; otherwise the redirect to the admin login, coming back here after."""
    if await site.has_permission(request):
        return None
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(site.url("login/") + "?" + urlencode({"next": path}), status_code=302)


AdminView = Callable[..., Awaitable[Any]]


def staff_member_view(view: AdminView) -> AdminView:
    """Run ``view(site, request, ...)`` for active staff only; anyone else goes to the admin login page."""

    @functools.wraps(view)
    async def wrapper(site: AdminSite, request: Request, **params: Any) -> Any:
        redirect = await staff_or_login(site, request)
        return redirect if redirect is not None else await view(site, request, **params)

    return wrapper


async def require(model_admin: ModelAdmin, request: Request, action: str, obj: Any = None) -> None:
    """403 unless the user holds ``action`` (view/add/change/delete) on the model."""
    check = getattr(model_admin, f"has_{action}_permission")
    if not await check(request, obj):
        raise PermissionDenied(
            f"You don't have permission to {PERMISSION_WORDS[action]} {model_admin.opts.verbose_name_plural} "
            f"({model_admin.permission_name(action)}). Ask an administrator to grant it."
        )


async def get_object_or_404(model_admin: ModelAdmin, request: Request, object_id: str) -> Any:
    obj = await model_admin.get_object(request, object_id)
    if obj is None:
        raise Http404(
            f"{str(model_admin.opts.verbose_name).capitalize()} with ID “{object_id}” doesn't exist. "
            "Perhaps it was deleted?"
        )
    return obj
