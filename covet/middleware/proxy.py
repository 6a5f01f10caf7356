"""What the client really asked for when a reverse proxy sits in front: scheme, host and address.

Proxy headers are trusted only when settings say so, because any client can send them:

* ``SECURE_PROXY_SSL_HEADER`` [None]: a ``(header, value)`` pair, e.g. ``("X-Forwarded-Proto", "https")``,
  that your proxy sets (and strips from clients) on HTTPS requests.
* ``USE_X_FORWARDED_HOST`` [False]: take the host from ``X-Forwarded-Host`` instead of ``Host``.
* ``TRUSTED_PROXY_COUNT`` [0]: how many proxies append to ``X-Forwarded-For``; the client address is
  the entry that many places from the right. 0 ignores the header and uses the socket's peer.
"""

from __future__ import annotations

from typing import Any

from covet.conf import settings
from covet.http import Request

# "Read the setting now": the default of the keyword arguments below. Middleware pass the value they read once
# when built instead (a setting read through the lazy settings object costs about a microsecond).
_FROM_SETTINGS: Any = object()


def request_is_secure(request: Request, *, proxy_ssl_header: Any = _FROM_SETTINGS) -> bool:
    """Whether the client used HTTPS (directly, or to a proxy named by ``SECURE_PROXY_SSL_HEADER``, or by
    ``proxy_ssl_header`` when given)."""
    proxy_header: Any = (
        getattr(settings, "SECURE_PROXY_SSL_HEADER", None) if proxy_ssl_header is _FROM_SETTINGS else proxy_ssl_header
    )
    if proxy_header:
        name, expected = proxy_header
        value = request.headers.get(name)
        if value is not None:
            return bool(value.split(",")[0].strip().lower() == str(expected).lower())
    scope = request.scope
    if scope.get("server") is not None:  # then the URL is absolute and its scheme is the scope's: skip building it
        return str(scope.get("scheme", "http")).lower() in ("https", "wss")
    return request.url.scheme in ("https", "wss")


def request_host(request: Request, *, use_forwarded_host: bool | None = None) -> str:
    """The host (with port, if any) the client asked for, lower-cased; "" when absent. ``X-Forwarded-Host`` counts
    when ``use_forwarded_host`` (default: the ``USE_X_FORWARDED_HOST`` setting) is on."""
    host = None
    if getattr(settings, "USE_X_FORWARDED_HOST", False) if use_forwarded_host is None else use_forwarded_host:
        forwarded = request.headers.get("x-forwarded-host")
        if forwarded:
            host = forwarded.split(",")[0].strip()
    if host is None:
        host = request.headers.get("host", "")
    return str(host).strip().lower()


def split_host(host: str) -> tuple[str, str]:
    """``("example.com", "8000")`` from ``"example.com:8000"``; handles ``[::1]:8000``; drops a trailing dot."""
    if host.startswith("["):
        end = host.find("]")
        name, rest = (host[: end + 1], host[end + 1 :]) if end >= 0 else (host, "")
        port = rest[1:] if rest.startswith(":") else ""
    else:
        name, _, port = host.rpartition(":") if host.count(":") == 1 else (host, "", "")
    return name.rstrip("."), port


def request_origin(request: Request) -> str:
    """``scheme://host[:port]`` of this request as the browser sees it (for Origin/Referer checks)."""
    return f"{'https' if request_is_secure(request) else 'http'}://{request_host(request)}"


def client_ip(request: Request) -> str:
    """The client's IP address, honouring ``TRUSTED_PROXY_COUNT``; "unknown" when the server gave none."""
    depth = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if depth > 0:
        forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",") if part.strip()]
        if len(forwarded) >= depth:
            return forwarded[-depth]
    client = request.client
    return client.host if client is not None else "unknown"
