"""Covet's security middleware, one module per concern (Django-style onion: ``M(get_response)``).

A secure order for ``settings.MIDDLEWARE``, outermost first::

    "covet.middleware.request_id.RequestIdMiddleware",
    "covet.middleware.security.SecurityMiddleware",
    "covet.middleware.hosts.AllowedHostsMiddleware",
    "covet.middleware.ipfilter.IPFilterMiddleware",
    "covet.middleware.cors.CORSMiddleware",
    "covet.middleware.gzip.GZipMiddleware",
    "covet.auth.sessions.SessionMiddleware",
    "covet.middleware.csrf.CsrfMiddleware",
    "covet.auth.middleware.AuthenticationMiddleware",
    "covet.middleware.ratelimit.RateLimitMiddleware",

See docs/security.md for what each one does and its settings.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

GetResponse = Callable[[Any], Awaitable[Any]]
"""The next layer of the onion: ``await get_response(request) -> Response``."""
