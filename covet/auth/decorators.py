"""View decorators: ``@login_required``, ``@permission_required("app.codename")``, ``@staff_member_required``.

A request that is not signed in is redirected to ``settings.LOGIN_URL`` ["/accounts/login"] with
``?next=<path>`` — unless it is an API call (``Authorization`` header, or JSON preferred in
``Accept``), which gets 401 with ``WWW-Authenticate: Bearer``. A signed-in user lacking the
permission gets 403 (audited as ``permission_denied``). Works on async and sync views.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import quote

from covet.exceptions import PermissionDenied, Unauthorized
from covet.http import RedirectResponse, Request
from covet.middleware.audit import audit
from covet.middleware.endpoint import call_view

_V = TypeVar("_V", bound=Callable[..., Any])

DEFAULT_LOGIN_URL = "/accounts/login"


def _wants_api_answer(request: Request) -> bool:
    if "authorization" in request.headers:
        return True
    accept = str(request.headers.get("accept") or "")
    return "application/json" in accept and "text/html" not in accept


def _login_redirect(request: Request, login_url: str | None, redirect_field_name: str) -> Any:
    if _wants_api_answer(request):
        raise Unauthorized("Authentication required.", headers={"WWW-Authenticate": 'Bearer realm="api"'})
    from covet.conf import settings

    url = str(login_url or getattr(settings, "LOGIN_URL", DEFAULT_LOGIN_URL))
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    separator = "&" if "?" in url else "?"
    return RedirectResponse(f"{url}{separator}{redirect_field_name}={quote(target, safe='/')}", status_code=302)


def user_passes_test(
    test: Callable[[Any], Any], *, login_url: str | None = None, redirect_field_name: str = "next"
) -> Callable[[_V], _V]:
    """Run the view only if ``await test(user)`` (or ``test(user)``) is true; else the login redirect / 401."""

    def decorator(view: _V) -> _V:
        @functools.wraps(view)
        async def wrapper(request: Request, **params: Any) -> Any:
            result = test(request.user)
            if hasattr(result, "__await__"):
                result = await result
            if not result:
                return _login_redirect(request, login_url, redirect_field_name)
            return await call_view(view, request, **params)

        return wrapper  # type: ignore[return-value]

    return decorator


def login_required(view: _V | None = None, *, login_url: str | None = None, redirect_field_name: str = "next") -> Any:
    """Only signed-in users; usable bare (``@login_required``) or with options."""
    decorator = user_passes_test(
        lambda user: user.is_authenticated, login_url=login_url, redirect_field_name=redirect_field_name
    )
    return decorator(view) if view is not None else decorator


def permission_required(
    perm: str | Iterable[str], *, login_url: str | None = None, redirect_field_name: str = "next"
) -> Callable[[_V], _V]:
    """Only users holding every permission (``"app_label.codename"``); others get 403."""
    perms = (perm,) if isinstance(perm, str) else tuple(perm)

    def decorator(view: _V) -> _V:
        @functools.wraps(view)
        async def wrapper(request: Request, **params: Any) -> Any:
            user = request.user
            if not user.is_authenticated:
                return _login_redirect(request, login_url, redirect_field_name)
            if not await user.has_perms(perms):
                audit("permission_denied", request, permissions=list(perms))
                raise PermissionDenied(f"You need the permission {', '.join(perms)} for this page.")
            return await call_view(view, request, **params)

        return wrapper  # type: ignore[return-value]

    return decorator


def staff_member_required(view: _V | None = None, *, login_url: str | None = None) -> Any:
    """Only active staff users (the admin's rule); others are sent to the login page."""
    decorator = user_passes_test(lambda user: user.is_active and user.is_staff, login_url=login_url)
    return decorator(view) if view is not None else decorator
