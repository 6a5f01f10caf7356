"""Sign in (staff only, rate-limited per client address) and sign out of the admin."""

from __future__ import annotations

from typing import TYPE_CHECKING

from covet.admin.rendering import admin_render
from covet.auth import authenticate, login, logout
from covet.auth.views import safe_next_url
from covet.conf import settings
from covet.http import RedirectResponse, Response
from covet.middleware.ratelimit import Rate, check, key_function, too_many_requests

if TYPE_CHECKING:
    from covet.admin.sites import AdminSite
    from covet.http import Request

LOGIN_SCOPE = "covet.admin.login"
WRONG_CREDENTIALS = (
    "Please enter the correct username and password for a staff account. Note that both fields may be case-sensitive."
)


def _next_or(request: Request, next_url: str, fallback: str) -> str:
    """``next_url`` when it is a path on this site (no open redirects), else ``fallback``."""
    return next_url if next_url and safe_next_url(request, next_url, "LOGIN_REDIRECT_URL") == next_url else fallback


def _page(
    site: AdminSite,
    request: Request,
    next_url: str,
    username: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    context = {"title": "Log in", "next": next_url, "username": username, "error": error}
    return admin_render(request, site, "admin/login.html", context, status_code=status_code)


async def login_view(site: AdminSite, request: Request) -> Response:
    """GET: the form. POST: ``username``/``password``; only active staff get in (``ADMIN_LOGIN_RATE``, "10/m")."""
    index = site.url()
    if request.method == "GET":
        if await site.has_permission(request):
            return RedirectResponse(_next_or(request, request.query_params.get("next", ""), index), 302)
        return _page(site, request, request.query_params.get("next", ""))
    if getattr(settings, "RATELIMIT_ENABLED", True):
        rate = Rate.parse(str(getattr(settings, "ADMIN_LOGIN_RATE", "10/m")))
        decision = await check(request, rate, key_function("ip"), LOGIN_SCOPE)
        if not decision.allowed:
            return too_many_requests(request, rate, decision, LOGIN_SCOPE)
    form = await request.form()
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    next_url = str(form.get("next", ""))
    user = await authenticate(request, username=username, password=password) if username and password else None
    if user is None or not (getattr(user, "is_active", False) and getattr(user, "is_staff", False)):
        return _page(site, request, next_url, username, WRONG_CREDENTIALS, status_code=400)
    await login(request, user)
    return RedirectResponse(_next_or(request, next_url, index), status_code=303)


async def logout_view(site: AdminSite, request: Request) -> Response:
    await logout(request)
    return admin_render(request, site, "admin/logged_out.html", {"title": "Logged out"})
