"""A small site with the whole security stack, served in-process (TestClient) and by real server processes.

Users live in ``MemoryBackend`` — a real pluggable authentication backend (``AUTHENTICATION_BACKENDS``)
with argon2 hashes — so these tests exercise sessions, CSRF, JWT and rate limits without a database.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread

from covet.auth import authenticate, login, logout
from covet.auth import jwt as covet_jwt
from covet.auth.decorators import login_required, permission_required, staff_member_required
from covet.auth.hashers import check_password, make_password
from covet.core import CovetApp
from covet.http import HTMLResponse, JSONResponse, Request, Response
from covet.middleware.csrf import csrf_exempt, csrf_input, get_token
from covet.middleware.ratelimit import ratelimit
from covet.routing import Router

PASSWORD = "correct horse battery staple"

MIDDLEWARE = [
    "covet.middleware.request_id.RequestIdMiddleware",
    "covet.middleware.security.SecurityMiddleware",
    "covet.middleware.hosts.AllowedHostsMiddleware",
    "covet.middleware.gzip.GZipMiddleware",
    "covet.auth.sessions.SessionMiddleware",
    "covet.middleware.csrf.CsrfMiddleware",
    "covet.auth.middleware.AuthenticationMiddleware",
    "covet.middleware.ratelimit.RateLimitMiddleware",
]


def site_settings(redis_url: str | None, prefix: str) -> dict[str, Any]:
    """Settings of the site; with ``redis_url`` the sessions, cache and rate limits are shared through Redis."""
    cache: dict[str, Any] = {"BACKEND": "locmem", "LOCATION": prefix}
    if redis_url:
        cache = {"BACKEND": "redis", "LOCATION": redis_url, "KEY_PREFIX": prefix}
    return {
        "SECRET_KEY": "secure-site-" + "s" * 40,
        "ALLOWED_HOSTS": ["testserver", "127.0.0.1", "localhost"],
        "CACHES": {"default": cache},
        "SESSION_ENGINE": "cache",
        "AUTHENTICATION_BACKENDS": ["secure_site.MemoryBackend"],
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_PARALLELISM": 1,
        "RATELIMIT_RULES": [{"path": "/api/token", "rate": "20/m", "methods": ["POST"]}],
    }


@dataclass
class MemoryUser:
    pk: int
    username: str
    password: str
    is_staff: bool = False
    is_active: bool = True
    perms: set[str] = field(default_factory=set)
    is_authenticated: bool = True
    backend: str | None = None
    password_version: int = 1  # bumped on password change; each process salts its own hash, so not the hash

    async def has_perms(self, perms: Any) -> bool:
        return self.is_active and set(perms) <= self.perms

    def get_session_auth_hash(self) -> str:
        material = f"{self.username}:{self.password_version}".encode()
        return hmac.new(b"session-auth", material, hashlib.sha256).hexdigest()


USERS: dict[str, MemoryUser] = {}


def users() -> dict[str, MemoryUser]:
    if not USERS:
        hashed = make_password(PASSWORD)
        USERS["alice"] = MemoryUser(1, "alice", hashed, perms={"blog.view_post"})
        USERS["editor"] = MemoryUser(2, "editor", hashed, is_staff=True, perms={"blog.view_post", "blog.change_post"})
        USERS["ghost"] = MemoryUser(3, "ghost", hashed, is_active=False)
    return USERS


class MemoryBackend:
    async def authenticate(self, request: Request | None, username: str = "", password: str = "") -> Any:
        user = users().get(username)
        ok = await anyio.to_thread.run_sync(check_password, password, user.password if user else None)
        return user if ok and user is not None and user.is_active else None

    async def get_user(self, user_id: Any) -> Any:
        return next((u for u in users().values() if str(u.pk) == str(user_id) and u.is_active), None)


router = Router()


@router.get("/login")
async def login_page(request: Request) -> Response:
    return HTMLResponse(f'<form method="post">{csrf_input(request)}<input name="username"></form>')


@router.post("/login")
@ratelimit("5/m", key="ip", scope="secure_site.login")
async def login_submit(request: Request) -> Response:
    form = await request.form()
    user = await authenticate(request, username=str(form.get("username", "")), password=str(form.get("password", "")))
    if user is None:
        return JSONResponse({"detail": "Wrong username or password."}, status_code=400)
    await login(request, user)
    return JSONResponse({"user": user.username})


@router.post("/logout")
async def logout_view(request: Request) -> Response:
    await logout(request)
    return JSONResponse({"user": None})


@router.get("/me")
@login_required
async def me(request: Request) -> dict[str, Any]:
    return {"user": request.user.username, "pid": os.getpid()}


@router.get("/staff")
@staff_member_required
async def staff(request: Request) -> dict[str, Any]:
    return {"staff": request.user.username}


@router.get("/posts/edit")
@permission_required("blog.change_post")
async def edit_posts(request: Request) -> dict[str, Any]:
    return {"editing": True}


@router.post("/notes")
@login_required
async def add_note(request: Request) -> dict[str, Any]:
    notes = list(request.session.get("notes", []))
    notes.append((await request.json())["text"])
    request.session["notes"] = notes
    return {"notes": notes}


@router.get("/csrf")
async def csrf_token(request: Request) -> dict[str, Any]:
    return {"token": get_token(request)}


@router.get("/counter")
async def counter(request: Request) -> dict[str, Any]:
    request.session["count"] = int(request.session.get("count", 0)) + 1
    return {"count": request.session["count"], "pid": os.getpid()}


@router.post("/api/token")
@csrf_exempt
async def api_token(request: Request) -> Response:
    data = await request.json()
    user = await authenticate(request, username=data.get("username", ""), password=data.get("password", ""))
    if user is None:
        return JSONResponse({"detail": "Wrong username or password."}, status_code=400)
    return JSONResponse(covet_jwt.issue_token_pair(user.pk).as_dict())


@router.post("/api/token/refresh")
@csrf_exempt
async def api_refresh(request: Request) -> dict[str, str]:
    return (await covet_jwt.rotate_refresh_token((await request.json())["refresh"])).as_dict()


@router.get("/api/me")
@login_required
async def api_me(request: Request) -> dict[str, Any]:
    return {"user": request.user.username}


@router.get("/big")
async def big(request: Request) -> Response:
    return HTMLResponse("<p>" + "covet " * 1000 + "</p>")


def build_app() -> CovetApp:
    return CovetApp(router, middleware=MIDDLEWARE)
