"""Ready-made account views: sign in, sign out, sign up (HTML), and JWT token endpoints (JSON).

Mount them with ``include("covet.auth.urls", prefix="/accounts")``. The pages render
``auth/login.html`` and ``auth/signup.html`` (override them in your own templates directory).

Settings: ``LOGIN_REDIRECT_URL`` ["/"], ``LOGOUT_REDIRECT_URL`` ["/"], ``AUTH_ALLOW_SIGNUP`` [True],
``AUTH_LOGIN_RATE`` ["5/m" per IP], ``AUTH_TOKEN_RATE`` ["10/m" per IP].
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import orjson

from covet.auth import jwt
from covet.auth.authentication import authenticate, login, logout
from covet.auth.models import get_user_model
from covet.auth.password_validation import validate_password
from covet.conf import settings
from covet.exceptions import BadRequest, Http404, ValidationError
from covet.http import JSONResponse, RedirectResponse, Request, Response
from covet.middleware.csrf import csrf_exempt, csrf_input
from covet.middleware.ratelimit import ratelimit
from covet.templates import render


def safe_next_url(request: Request, candidate: str | None, default_setting: str) -> str:
    """``candidate`` if it is a path on this site, else the configured default (no open redirects)."""
    fallback = str(getattr(settings, default_setting, "/"))
    if not candidate:
        return fallback
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc or not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
        return fallback
    return candidate


def _page(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> Response:
    return render(request, template, {"csrf_input": csrf_input(request), **context}, status_code=status_code)


async def login_page(request: Request) -> Response:
    return _page(request, "auth/login.html", {"next": request.query_params.get("next", ""), "error": None})


@ratelimit(getattr(settings, "AUTH_LOGIN_RATE", "5/m"), key="ip", scope="covet.auth.login")
async def login_submit(request: Request) -> Response:
    form = await request.form()
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    user = await authenticate(request, username=username, password=password)
    if user is None:
        context = {"next": form.get("next", ""), "error": "Wrong username or password.", "username": username}
        return _page(request, "auth/login.html", context, status_code=400)
    await login(request, user)
    return RedirectResponse(safe_next_url(request, str(form.get("next", "")), "LOGIN_REDIRECT_URL"), status_code=303)


async def logout_submit(request: Request) -> Response:
    await logout(request)
    return RedirectResponse(safe_next_url(request, None, "LOGOUT_REDIRECT_URL"), status_code=303)


def _require_signup() -> None:
    if not getattr(settings, "AUTH_ALLOW_SIGNUP", True):
        raise Http404("Sign-up is turned off (AUTH_ALLOW_SIGNUP = False).")


async def signup_page(request: Request) -> Response:
    _require_signup()
    return _page(request, "auth/signup.html", {"errors": {}, "values": {}})


@ratelimit(getattr(settings, "AUTH_LOGIN_RATE", "5/m"), key="ip", scope="covet.auth.signup")
async def signup_submit(request: Request) -> Response:
    _require_signup()
    form = await request.form()
    values = {name: str(form.get(name, "")).strip() for name in ("username", "email")}
    password, again = str(form.get("password", "")), str(form.get("password2", ""))
    user_model = get_user_model()
    errors: dict[str, list[str]] = {}
    if not values["username"]:
        errors["username"] = ["Choose a username."]
    elif await user_model.objects.filter(username=values["username"]).exists():
        errors["username"] = ["That username is taken."]
    if password != again:
        errors["password2"] = ["The two passwords differ."]
    try:
        validate_password(password, user_model(**values))
    except ValidationError as exc:
        errors["password"] = [message for messages in exc.messages.values() for message in messages]
    if errors:
        return _page(request, "auth/signup.html", {"errors": errors, "values": values}, status_code=400)
    user = await user_model.objects.create_user(values["username"], values["email"], password)
    await login(request, user, backend="covet.auth.backends.ModelBackend")
    return RedirectResponse(safe_next_url(request, None, "LOGIN_REDIRECT_URL"), status_code=303)


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        data = orjson.loads(await request.body())
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"The body must be JSON: {exc}.") from None
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.")
    return data


@csrf_exempt
@ratelimit(getattr(settings, "AUTH_TOKEN_RATE", "10/m"), key="ip", scope="covet.auth.token")
async def token_obtain(request: Request) -> Response:
    """``{"username", "password"}`` -> ``{"access", "refresh", "token_type"}``."""
    data = await _json_body(request)
    user = await authenticate(request, username=str(data.get("username", "")), password=str(data.get("password", "")))
    if user is None:
        return JSONResponse({"detail": "Wrong username or password."}, status_code=400)
    return JSONResponse(jwt.issue_token_pair(user.pk).as_dict())


@csrf_exempt
@ratelimit(getattr(settings, "AUTH_TOKEN_RATE", "10/m"), key="ip", scope="covet.auth.token_refresh")
async def token_refresh(request: Request) -> Response:
    """``{"refresh"}`` -> a new pair; the refresh token sent is spent (works once)."""
    refresh = str((await _json_body(request)).get("refresh", ""))
    return JSONResponse((await jwt.rotate_refresh_token(refresh)).as_dict())


@csrf_exempt
async def token_revoke(request: Request) -> Response:
    """``{"refresh"}`` -> 204; the API's sign-out."""
    await jwt.revoke_token(str((await _json_body(request)).get("refresh", "")), "refresh")
    return Response(status_code=204)
