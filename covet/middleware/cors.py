"""CORSMiddleware: lets pages on other origins call this site's API, within limits you set.

Settings (defaults in brackets): ``CORS_ALLOWED_ORIGINS`` [[]] exact origins such as
``"https://app.example.com"``; ``CORS_ALLOWED_ORIGIN_REGEXES`` [[]]; ``CORS_ALLOW_ALL_ORIGINS`` [False];
``CORS_ALLOW_METHODS`` [DELETE, GET, OPTIONS, PATCH, POST, PUT]; ``CORS_ALLOW_HEADERS`` [accept,
authorization, content-type, x-csrftoken, x-requested-with]; ``CORS_ALLOW_CREDENTIALS`` [False];
``CORS_EXPOSE_HEADERS`` [[]]; ``CORS_PREFLIGHT_MAX_AGE`` [86400 s, how long browsers cache a preflight].

A preflight (``OPTIONS`` with ``Access-Control-Request-Method``) is answered here: 200 with the
allowances, or 403 saying what was not allowed. With credentials allowed, the exact origin is echoed
(never ``*``), as the CORS standard requires.
"""

from __future__ import annotations

import re

from covet.conf import settings
from covet.http import Request, Response
from covet.middleware import GetResponse
from covet.middleware.refusal import refusal

DEFAULT_METHODS = ["DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"]
DEFAULT_HEADERS = ["accept", "authorization", "content-type", "x-csrftoken", "x-requested-with"]


class CORSMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.origins = {o.rstrip("/").lower() for o in getattr(settings, "CORS_ALLOWED_ORIGINS", [])}
        self.origin_patterns = [re.compile(p) for p in getattr(settings, "CORS_ALLOWED_ORIGIN_REGEXES", [])]
        self.allow_all = bool(getattr(settings, "CORS_ALLOW_ALL_ORIGINS", False))
        self.methods = [m.upper() for m in getattr(settings, "CORS_ALLOW_METHODS", DEFAULT_METHODS)]
        self.headers = [h.lower() for h in getattr(settings, "CORS_ALLOW_HEADERS", DEFAULT_HEADERS)]
        self.credentials = bool(getattr(settings, "CORS_ALLOW_CREDENTIALS", False))
        self.expose = list(getattr(settings, "CORS_EXPOSE_HEADERS", []))
        self.max_age = int(getattr(settings, "CORS_PREFLIGHT_MAX_AGE", 86400))

    def origin_allowed(self, origin: str) -> bool:
        if self.allow_all:
            return True
        return origin.lower() in self.origins or any(p.fullmatch(origin) for p in self.origin_patterns)

    def allow_origin_value(self, origin: str) -> str:
        return "*" if self.allow_all and not self.credentials else origin

    async def __call__(self, request: Request) -> Response:
        origin = request.headers.get("origin")
        if origin is None:
            response: Response = await self.get_response(request)
            return response
        if request.method == "OPTIONS" and "access-control-request-method" in request.headers:
            return self.preflight(request, origin)
        response = await self.get_response(request)
        if self.origin_allowed(origin):
            headers = response.headers
            headers["Access-Control-Allow-Origin"] = self.allow_origin_value(origin)
            if self.credentials:
                headers["Access-Control-Allow-Credentials"] = "true"
            if self.expose:
                headers["Access-Control-Expose-Headers"] = ", ".join(self.expose)
        if not (self.allow_all and not self.credentials):
            response.headers.add_vary_header("Origin")
        return response

    def preflight(self, request: Request, origin: str) -> Response:
        method = request.headers["access-control-request-method"].upper()
        asked = [h.strip().lower() for h in request.headers.get("access-control-request-headers", "").split(",")]
        refused_headers = [h for h in asked if h and h not in self.headers]
        problems = []
        if not self.origin_allowed(origin):
            problems.append(f"origin {origin} is not in CORS_ALLOWED_ORIGINS")
        if method not in self.methods:
            problems.append(f"method {method} is not in CORS_ALLOW_METHODS")
        if refused_headers:
            problems.append(f"headers {', '.join(refused_headers)} are not in CORS_ALLOW_HEADERS")
        response: Response
        if problems:
            response = refusal(403, "Forbidden (403): CORS preflight refused.", "; ".join(problems) + ".")
        else:
            response = Response(status_code=200)
            response.headers.update(
                {
                    "Access-Control-Allow-Origin": self.allow_origin_value(origin),
                    "Access-Control-Allow-Methods": ", ".join(self.methods),
                    "Access-Control-Allow-Headers": ", ".join(self.headers),
                    "Access-Control-Max-Age": str(self.max_age),
                }
            )
            if self.credentials:
                response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers.add_vary_header("Origin")
        return response
