"""SessionMiddleware: loads ``request.session`` from the cookie and saves it when it changed.

Settings (defaults in brackets):

* ``SESSION_ENGINE`` ["cache"]: "cache", "signed_cookie", "db", or a dotted path to a SessionBackend;
  ``SESSION_CACHE_ALIAS`` ["default"] for the cache engine (point it at a Redis cache to share sessions).
* ``SESSION_COOKIE_NAME`` ["sessionid"], ``SESSION_COOKIE_AGE`` [1209600 s = 2 weeks],
  ``SESSION_COOKIE_DOMAIN`` [None], ``SESSION_COOKIE_PATH`` ["/"],
  ``SESSION_COOKIE_SECURE`` [None = Secure whenever the request came over HTTPS],
  ``SESSION_COOKIE_HTTPONLY`` [True], ``SESSION_COOKIE_SAMESITE`` ["Lax"],
  ``SESSION_EXPIRE_AT_BROWSER_CLOSE`` [False], ``SESSION_SAVE_EVERY_REQUEST`` [False].

A cookie that is unknown, expired or tampered with gives a new empty session — never an error.
"""

from __future__ import annotations

from typing import Any

from covet.auth.sessions.backends.base import SessionBackend
from covet.auth.sessions.session import Session
from covet.conf import settings
from covet.conf.importing import import_string
from covet.http import Request, Response
from covet.middleware import GetResponse
from covet.middleware.proxy import request_is_secure

DEFAULT_COOKIE_AGE = 14 * 24 * 3600

ENGINE_ALIASES = {
    "cache": "covet.auth.sessions.backends.cache.CacheSessionBackend",
    "signed_cookie": "covet.auth.sessions.backends.signed_cookie.SignedCookieBackend",
    "db": "covet.auth.sessions.backends.db.DatabaseSessionBackend",
}


def load_backend(engine: str, age: int) -> SessionBackend:
    dotted = ENGINE_ALIASES.get(engine, engine)
    backend_class = import_string(dotted, setting="SESSION_ENGINE ('cache', 'signed_cookie', 'db' or a path)")
    if dotted == ENGINE_ALIASES["cache"]:
        backend: SessionBackend = backend_class(age, getattr(settings, "SESSION_CACHE_ALIAS", "default"))
    else:
        backend = backend_class(age)
    return backend


class SessionMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.cookie_name: str = getattr(settings, "SESSION_COOKIE_NAME", "sessionid")
        self.age = int(getattr(settings, "SESSION_COOKIE_AGE", DEFAULT_COOKIE_AGE))
        self.domain: str | None = getattr(settings, "SESSION_COOKIE_DOMAIN", None)
        self.path: str = getattr(settings, "SESSION_COOKIE_PATH", "/")
        self.secure: bool | None = getattr(settings, "SESSION_COOKIE_SECURE", None)
        self.httponly = bool(getattr(settings, "SESSION_COOKIE_HTTPONLY", True))
        self.samesite: str | None = getattr(settings, "SESSION_COOKIE_SAMESITE", "Lax")
        self.expire_at_browser_close = bool(getattr(settings, "SESSION_EXPIRE_AT_BROWSER_CLOSE", False))
        self.save_every_request = bool(getattr(settings, "SESSION_SAVE_EVERY_REQUEST", False))
        self.backend = load_backend(getattr(settings, "SESSION_ENGINE", "cache"), self.age)

    async def load(self, request: Request) -> Session:
        cookie = request.cookies.get(self.cookie_name)
        if cookie:
            data = await self.backend.load(cookie)
            if data is not None:
                return Session(data, key=cookie)
        return Session()

    async def __call__(self, request: Request) -> Response:
        session = await self.load(request)
        request.session = session
        had_cookie = self.cookie_name in request.cookies
        response: Response = await self.get_response(request)
        await self.store(request, response, session, had_cookie)
        return response

    async def store(self, request: Request, response: Response, session: Session, had_cookie: bool) -> None:
        for stale in session.stale_keys:
            await self.backend.delete(stale)
        if session.accessed:
            response.headers.add_vary_header("Cookie")
        if session.is_empty:
            if had_cookie and (session.modified or session.key is None):
                self.delete_cookie(response, request)
            return
        if not (session.modified or self.save_every_request) or response.status_code >= 500:
            return
        session.key = await self.backend.save(session.key, session.as_dict())
        self.set_cookie(response, request, session)

    def cookie_options(self, request: Request) -> dict[str, Any]:
        secure = request_is_secure(request) if self.secure is None else self.secure
        return {
            "path": self.path,
            "domain": self.domain,
            "secure": secure,
            "httponly": self.httponly,
            "samesite": self.samesite,
        }

    def set_cookie(self, response: Response, request: Request, session: Session) -> None:
        at_close = session.expire_at_browser_close
        if at_close is None:
            at_close = self.expire_at_browser_close
        max_age = None if at_close else self.age
        response.set_cookie(self.cookie_name, session.key or "", max_age=max_age, **self.cookie_options(request))

    def delete_cookie(self, response: Response, request: Request) -> None:
        response.delete_cookie(self.cookie_name, **self.cookie_options(request))
