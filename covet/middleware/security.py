"""SecurityMiddleware: HTTPS redirect, HSTS and the protective response headers.

Settings (defaults in brackets):

* ``SECURE_SSL_REDIRECT`` [False]: redirect plain-HTTP requests to HTTPS (301), except paths matching
  a regex in ``SECURE_REDIRECT_EXEMPT`` [[]]; ``SECURE_SSL_HOST`` [None] redirects to another host.
  Behind a proxy, set ``SECURE_PROXY_SSL_HEADER`` (see covet.middleware.proxy) or every request loops.
* ``SECURE_HSTS_SECONDS`` [0 = off], ``SECURE_HSTS_INCLUDE_SUBDOMAINS`` [False], ``SECURE_HSTS_PRELOAD``
  [False]: ``Strict-Transport-Security`` on HTTPS responses.
* ``SECURE_CONTENT_TYPE_NOSNIFF`` [True]: ``X-Content-Type-Options: nosniff``.
* ``SECURE_REFERRER_POLICY`` ["same-origin"], ``SECURE_CROSS_ORIGIN_OPENER_POLICY`` ["same-origin"],
  ``X_FRAME_OPTIONS`` ["DENY"]: sent as they are (None turns one off).
* ``SECURE_CONTENT_SECURITY_POLICY`` [None] and ``SECURE_CONTENT_SECURITY_POLICY_REPORT_ONLY`` [None]:
  a policy string, or a dict ``{"default-src": ["'self'"], ...}`` joined into one.

Headers a view already set are left alone, so one view can relax a policy for itself. Like every setting
here, ``SECURE_PROXY_SSL_HEADER`` and ``USE_X_FORWARDED_HOST`` are read once, when the middleware is built.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from covet.conf import settings
from covet.exceptions import ImproperlyConfigured
from covet.http import RedirectResponse, Request, Response
from covet.http.datastructures import encode_header
from covet.middleware import GetResponse
from covet.middleware.audit import audit
from covet.middleware.hooks import HookMiddleware
from covet.middleware.hosts import is_allowed_host
from covet.middleware.proxy import request_host, request_is_secure
from covet.middleware.refusal import refusal


def format_csp(policy: str | Mapping[str, Sequence[str] | str] | None) -> str | None:
    """A Content-Security-Policy header value from a string or a ``{directive: sources}`` dict."""
    if policy is None or isinstance(policy, str):
        return policy or None
    parts = []
    for directive, sources in policy.items():
        values = [sources] if isinstance(sources, str) else list(sources)
        parts.append(" ".join([directive, *values]).strip())
    return "; ".join(parts) or None


class SecurityMiddleware(HookMiddleware):
    def __init__(self, get_response: GetResponse) -> None:
        super().__init__(get_response)
        self.ssl_redirect = bool(getattr(settings, "SECURE_SSL_REDIRECT", False))
        self.ssl_host: str | None = getattr(settings, "SECURE_SSL_HOST", None)
        self.redirect_exempt = [re.compile(p) for p in getattr(settings, "SECURE_REDIRECT_EXEMPT", [])]
        self.proxy_ssl_header: Any = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
        self.use_forwarded_host = bool(getattr(settings, "USE_X_FORWARDED_HOST", False))
        # Pre-encoded (name, value) pairs, appended to the raw header list: this runs on every response.
        self.static_headers: list[tuple[bytes, bytes]] = []
        for name, setting, default in (
            ("X-Content-Type-Options", "SECURE_CONTENT_TYPE_NOSNIFF", True),
            ("Referrer-Policy", "SECURE_REFERRER_POLICY", "same-origin"),
            ("Cross-Origin-Opener-Policy", "SECURE_CROSS_ORIGIN_OPENER_POLICY", "same-origin"),
            ("X-Frame-Options", "X_FRAME_OPTIONS", "DENY"),
            ("Content-Security-Policy", "SECURE_CONTENT_SECURITY_POLICY", None),
            ("Content-Security-Policy-Report-Only", "SECURE_CONTENT_SECURITY_POLICY_REPORT_ONLY", None),
        ):
            value: Any = getattr(settings, setting, default)
            if value is True:
                value = "nosniff"
            elif isinstance(value, Mapping):
                value = format_csp(value)
            if value:
                try:
                    self.static_headers.append(encode_header(name, str(value)))
                except ValueError as exc:  # a multi-line policy string, say: refuse it at startup, not per response
                    raise ImproperlyConfigured(f"settings.{setting}: {exc}") from None
        hsts = self._hsts_value()
        self.hsts = (b"strict-transport-security", hsts.encode("latin-1")) if hsts else None
        # The names this middleware adds: a response carrying none of them takes the fast path in __call__.
        self.added_names = frozenset(name for name, _ in self.static_headers) | {b"strict-transport-security"}

    @staticmethod
    def _hsts_value() -> str | None:
        seconds = int(getattr(settings, "SECURE_HSTS_SECONDS", 0))
        if seconds <= 0:
            return None
        value = f"max-age={seconds}"
        if getattr(settings, "SECURE_HSTS_INCLUDE_SUBDOMAINS", False):
            value += "; includeSubDomains"
        if getattr(settings, "SECURE_HSTS_PRELOAD", False):
            value += "; preload"
        return value

    def is_redirect_exempt(self, path: str) -> bool:
        return any(pattern.search(path.lstrip("/")) for pattern in self.redirect_exempt)

    def https_redirect(self, request: Request) -> Response:
        host = self.ssl_host or request_host(request, use_forwarded_host=self.use_forwarded_host)
        if not self.ssl_host and not is_allowed_host(host):  # never redirect to a host an attacker wrote
            audit("disallowed_host", request, host=host)
            return refusal(400, "Bad Request (400)", f"Invalid Host header {host!r}: not in settings.ALLOWED_HOSTS.")
        query = request.url.query
        return RedirectResponse(f"https://{host}{request.url.path}" + (f"?{query}" if query else ""), status_code=301)

    def process_request(self, request: Request) -> Response | None:
        if self.ssl_redirect and not self.is_secure(request) and not self.is_redirect_exempt(request.path):
            return self.https_redirect(request)
        return None

    def is_secure(self, request: Request) -> bool:
        return request_is_secure(request, proxy_ssl_header=self.proxy_ssl_header)

    def process_response(self, request: Request, response: Response) -> Response:
        raw = response.raw_headers
        added = self.added_names
        hsts = self.hsts
        for name, _ in raw:
            if name.lower() in added:  # the view set one of them itself: keep its value, add only the others
                present = {name.lower() for name, _ in raw}
                raw.extend(header for header in self.static_headers if header[0] not in present)
                if hsts is not None and hsts[0] not in present and self.is_secure(request):
                    raw.append(hsts)
                return response
        raw.extend(self.static_headers)
        if hsts is not None and self.is_secure(request):
            raw.append(hsts)
        return response
