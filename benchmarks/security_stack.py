"""What the security middleware stack costs per request: Covet against Starlette and Django, in one run.

Run: ``.venv/bin/python benchmarks/security_stack.py [--requests 3000] [--output benchmarks/results/security_stack.md]``
(Starlette's sessions need ``itsdangerous``; Django comes with the ``bench`` extra).

Each framework runs in its own process and serves ``GET /`` (a view that reads the session and returns
"ok") in-process through its ASGI application — no sockets, so only framework and middleware work is
timed. Every request carries a valid signed-cookie session. Each framework is timed twice: bare (no
middleware) and with its stack of security middleware, as close to the same duties as it offers:

* Covet: RequestId, Security (nosniff, Referrer-Policy, COOP, X-Frame-Options), AllowedHosts, Session
  (signed cookie), Csrf, Authentication (anonymous: no database).
* Django 5: Security, Session (signed_cookies), Common (host validation), Csrf, Authentication, XFrameOptions.
* Starlette: TrustedHost, Session (itsdangerous signed cookie); it has no security-header, CSRF or auth
  middleware, so its stack does less.

Reported: microseconds per request, best of 5 rounds; the stack's overhead is stack minus bare.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SECRET = "benchmark-secret-" + "k" * 40

App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


def scope(cookie: str | None) -> dict[str, Any]:
    headers = [(b"host", b"testserver"), (b"accept", b"text/html")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": "/", "raw_path": b"/", "query_string": b"", "root_path": "", "headers": headers,
        "client": ("127.0.0.1", 5000), "server": ("testserver", 80),
    }  # fmt: skip


async def call(app: App, cookie: str | None, path: str = "/") -> tuple[int, list[tuple[bytes, bytes]]]:
    sent: list[dict[str, Any]] = []
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if delivered:  # the client stays connected: a listener for disconnects waits until it is cancelled
            await asyncio.Future()
        delivered = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    request_scope = scope(cookie)
    request_scope["path"] = request_scope["raw_path"] = path
    request_scope["raw_path"] = path.encode()
    await app(request_scope, receive, send)
    start = sent[0]
    return start["status"], start["headers"]


def session_cookie(headers: list[tuple[bytes, bytes]], name: str) -> str:
    for key, value in headers:
        if key.lower() == b"set-cookie" and value.startswith(name.encode() + b"="):
            return value.split(b";", 1)[0].decode()
    raise RuntimeError(f"no {name} cookie was set")


async def time_app(app: App, cookie: str | None, requests: int) -> float:
    status, _ = await call(app, cookie)
    if status != 200:
        raise RuntimeError(f"warm-up request answered {status}")
    best = float("inf")
    for _round in range(5):
        started = time.perf_counter()
        for _ in range(requests):
            await call(app, cookie)
        best = min(best, (time.perf_counter() - started) / requests * 1e6)
    return best


# -- contenders (each runs in its own process) -----------------------------------------------------------------


def covet_apps() -> tuple[App, App, str]:
    sys.path.insert(0, str(ROOT))
    from covet.conf import settings

    settings.configure(SECRET_KEY=SECRET, ALLOWED_HOSTS=["testserver"], SESSION_ENGINE="signed_cookie")
    from covet.core import CovetApp
    from covet.routing import Router

    router = Router()

    @router.get("/")
    async def index(request: Any) -> str:
        session = request.scope.get("session")
        return "ok" if session is None or session.get("n") is not None else "empty"

    @router.get("/set")
    async def set_session(request: Any) -> str:
        request.session["n"] = 1
        return "set"

    stack = [
        "covet.middleware.request_id.RequestIdMiddleware",
        "covet.middleware.security.SecurityMiddleware",
        "covet.middleware.hosts.AllowedHostsMiddleware",
        "covet.auth.sessions.SessionMiddleware",
        "covet.middleware.csrf.CsrfMiddleware",
        "covet.auth.middleware.AuthenticationMiddleware",
    ]
    return CovetApp(router), CovetApp(router, middleware=stack), "sessionid"


def starlette_apps() -> tuple[App, App, str]:
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.sessions import SessionMiddleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def index(request: Any) -> PlainTextResponse:
        session = request.scope.get("session")
        return PlainTextResponse("ok" if session is None or session.get("n") is not None else "empty")

    async def set_session(request: Any) -> PlainTextResponse:
        request.session["n"] = 1
        return PlainTextResponse("set")

    routes = [Route("/", index), Route("/set", set_session)]
    stack = [
        Middleware(TrustedHostMiddleware, allowed_hosts=["testserver"]),
        Middleware(SessionMiddleware, secret_key=SECRET, https_only=False),
    ]
    return Starlette(routes=routes), Starlette(routes=routes, middleware=stack), "session"


def django_apps() -> tuple[App, App, str]:
    import django
    from django.conf import settings as dj_settings

    stack = [
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ]
    dj_settings.configure(
        SECRET_KEY=SECRET, ALLOWED_HOSTS=["testserver"], ROOT_URLCONF=__name__, MIDDLEWARE=stack,
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "django.contrib.sessions"],
        SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies", DATABASES={}, USE_TZ=True,
    )  # fmt: skip
    django.setup()
    from django.core.handlers.asgi import ASGIHandler
    from django.http import HttpResponse
    from django.urls import path

    async def index(request: Any) -> HttpResponse:
        session = getattr(request, "session", None)
        has = session is None or (await session.aget("n")) is not None
        return HttpResponse("ok" if has else "empty", content_type="text/plain")

    async def set_session(request: Any) -> HttpResponse:
        await request.session.aset("n", 1)
        return HttpResponse("set", content_type="text/plain")

    globals()["urlpatterns"] = [path("", index), path("set", set_session)]
    with_stack = ASGIHandler()
    dj_settings.MIDDLEWARE = []
    bare = ASGIHandler()
    dj_settings.MIDDLEWARE = stack
    return bare, with_stack, "sessionid"


CONTENDERS: dict[str, Callable[[], tuple[App, App, str]]] = {
    "Covet": covet_apps,
    "Starlette": starlette_apps,
    "Django": django_apps,
}


def run_contender(name: str, requests: int) -> dict[str, float]:
    bare, stacked, cookie_name = CONTENDERS[name]()

    async def main() -> dict[str, float]:
        _, headers = await call(stacked, None, "/set")
        cookie = session_cookie(headers, cookie_name)
        status, _ = await call(stacked, cookie)
        if status != 200:
            raise RuntimeError(f"{name}: the stacked app answered {status}")
        return {"bare": await time_app(bare, None, requests), "stack": await time_app(stacked, cookie, requests)}

    return asyncio.run(main())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--output", type=Path)
    parser.add_argument("--contender", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.contender:
        print(json.dumps(run_contender(args.contender, args.requests)))
        return
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("COVET_SETTINGS_MODULE", None)
    results = {}
    for name in CONTENDERS:
        out = subprocess.run(
            [sys.executable, __file__, "--contender", name, "--requests", str(args.requests)],
            capture_output=True, text=True, env=env, check=True,
        )  # fmt: skip
        results[name] = json.loads(out.stdout.strip().splitlines()[-1])
        print(name, results[name], file=sys.stderr)
    covet = results["Covet"]["stack"] - results["Covet"]["bare"]
    lines = [
        "# Security middleware stack benchmark",
        "",
        f"`benchmarks/security_stack.py`, Python {platform.python_version()} on {platform.machine()} "
        f"({platform.system()}), {args.requests} requests per round, best of 5 rounds, in-process ASGI calls "
        "(no sockets), one process per framework, on a 2-core machine shared with other jobs.",
        "",
        "| framework | bare (µs/request) | with security stack (µs/request) | stack overhead (µs) "
        "| overhead / Covet's |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, row in results.items():
        overhead = row["stack"] - row["bare"]
        lines.append(f"| {name} | {row['bare']:.1f} | {row['stack']:.1f} | {overhead:.1f} | {overhead / covet:.2f}x |")
    lines += ["", "Stacks compared (see the module docstring): Covet and Django do the same duties (security headers, "
              "host check, signed-cookie session, CSRF, auth); Starlette's stack only checks the host and loads "
              "the session."]  # fmt: skip
    text = "\n".join(lines) + "\n"
    print(text)
    if args.output:
        args.output.write_text(text)


if __name__ == "__main__":
    main()
