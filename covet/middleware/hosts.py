"""AllowedHostsMiddleware: answer 400 to requests for a host this site does not serve.

Checks the ``Host`` header (``X-Forwarded-Host`` only when ``USE_X_FORWARDED_HOST`` is on) against
``settings.ALLOWED_HOSTS``: exact names, ``".example.com"`` for a domain and all its subdomains, or
``"*"`` for any. With DEBUG on and the list empty, localhost, 127.0.0.1 and [::1] are allowed. This
stops host-header poisoning of password-reset links, caches and absolute URLs.
"""

from __future__ import annotations

import re

from covet.conf import settings
from covet.http import Request, Response
from covet.middleware import GetResponse
from covet.middleware.audit import audit
from covet.middleware.hooks import HookMiddleware
from covet.middleware.proxy import request_host, split_host
from covet.middleware.refusal import refusal

DEBUG_HOSTS = [".localhost", "127.0.0.1", "[::1]"]

# How many Host header values AllowedHostsMiddleware remembers its verdict for.
_VERDICT_CACHE_SIZE = 256

# A DNS name or an IPv4 address, or a bracketed IPv6 address; then an optional port.
_HOST_SYNTAX = re.compile(r"^([a-z0-9.-]+|\[[a-f0-9:.]+\])(:\d{1,5})?$")


def host_matches(name: str, pattern: str) -> bool:
    """Whether host ``name`` (no port, lower case) matches one ALLOWED_HOSTS ``pattern``."""
    pattern = pattern.lower().rstrip(".") if pattern != "." else pattern
    if pattern == "*":
        return True
    if pattern.startswith("."):
        return name == pattern[1:] or name.endswith(pattern)
    return name == pattern


def allowed_host_patterns() -> list[str]:
    """``ALLOWED_HOSTS``, or the local names when DEBUG is on and the list is empty."""
    allowed = list(getattr(settings, "ALLOWED_HOSTS", []))
    if not allowed and getattr(settings, "DEBUG", False):
        allowed = DEBUG_HOSTS
    return allowed


def is_allowed_host(host: str, patterns: list[str] | None = None) -> bool:
    """Whether ``host`` (as in the Host header, port allowed) is well-formed and matches the allowed patterns."""
    if not _HOST_SYNTAX.match(host):
        return False
    name, _port = split_host(host)
    return any(host_matches(name, pattern) for pattern in (allowed_host_patterns() if patterns is None else patterns))


class AllowedHostsMiddleware(HookMiddleware):
    def __init__(self, get_response: GetResponse) -> None:
        super().__init__(get_response)
        self.allowed = allowed_host_patterns()
        self.use_forwarded_host = bool(getattr(settings, "USE_X_FORWARDED_HOST", False))  # read once, as ALLOWED_HOSTS
        self._verdicts: dict[str, bool] = {}  # host -> allowed; a site sees a handful of hosts

    def is_allowed(self, host: str) -> bool:
        verdict = self._verdicts.get(host)
        if verdict is None:
            verdict = is_allowed_host(host, self.allowed)
            if len(self._verdicts) >= _VERDICT_CACHE_SIZE:  # bounded: clients choose the Host header
                self._verdicts.clear()
            self._verdicts[host] = verdict
        return verdict

    def process_request(self, request: Request) -> Response | None:
        host = request_host(request, use_forwarded_host=self.use_forwarded_host)
        if self.is_allowed(host):
            return None
        audit("disallowed_host", request, host=host)
        if not host:
            reason = "The request has no Host header."
        elif not _HOST_SYNTAX.match(host):
            reason = f"Invalid Host header {host!r}: not a valid host name."
        else:
            reason = f"Invalid Host header {host!r}: add {split_host(host)[0]!r} to settings.ALLOWED_HOSTS."
        return refusal(400, "Bad Request (400)", reason)
