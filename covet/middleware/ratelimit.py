"""Rate limiting: ``@ratelimit("10/m")`` on a view, and ``RateLimitMiddleware`` with rules from settings.

A rate is ``"<count>/<period>"`` with the period ``s``, ``m``, ``h`` or ``d``, optionally with a number
(``"5/15m"``). Requests over the rate get 429 with ``Retry-After`` (seconds) and are audited as
``rate_limited``. The key says whose requests are counted together:

* ``"ip"`` — the client address (see ``TRUSTED_PROXY_COUNT`` in covet.middleware.proxy);
* ``"user"`` — the signed-in user's id, falling back to the address for anonymous requests;
* ``"header:<Name>"`` — a request header (an API key, say); or a callable ``(request) -> str``.

Each limit has a scope (the view's dotted name, or the rule's path) so limits on different routes are
independent. Counters live in ``RATELIMIT_CACHE_ALIAS`` ["default"]: a Redis cache shares them across
processes (atomic Lua script); any other cache keeps them in this process.

Settings: ``RATELIMIT_ENABLED`` [True]; ``RATELIMIT_RULES`` [[]], each
``{"path": "/api/", "rate": "100/m", "key": "ip", "methods": ["POST"]}`` (``path`` is a prefix; use
``"regex"`` instead for a pattern); every matching rule applies.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from covet.conf import settings
from covet.exceptions import ImproperlyConfigured
from covet.http import JSONResponse, Request, Response
from covet.middleware import GetResponse
from covet.middleware.audit import audit
from covet.middleware.endpoint import call_view
from covet.middleware.proxy import client_ip
from covet.middleware.ratelimit_store import Decision, RateLimitStore, ceil_seconds, store_for

_V = TypeVar("_V", bound=Callable[..., Any])
KeyFunction = Callable[[Request], str]

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_SAFE_KEY = re.compile(r"^[A-Za-z0-9._:\-\[\]]{1,100}$")


@dataclass(frozen=True)
class Rate:
    """``limit`` requests per ``period`` seconds, parsed from ``text`` such as ``"10/m"``."""

    limit: int
    period: float
    text: str

    @classmethod
    def parse(cls, text: str) -> Rate:
        match = _RATE.match(text)
        if match is None or int(match.group(1)) < 1 or int(match.group(2) or 1) < 1:
            raise ImproperlyConfigured(
                f"Invalid rate {text!r}: write '<count>/<period>' such as '10/m', '1000/h' or '5/15m' "
                "(count and period multiplier at least 1; period s, m, h or d)."
            )
        count, multiplier, unit = match.groups()
        return cls(int(count), int(multiplier or 1) * _PERIODS[unit], text.strip())


def _user_key(request: Request) -> str:
    user = request.scope.get("user")
    if user is not None and getattr(user, "is_authenticated", False):
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"


def key_function(key: str | KeyFunction) -> KeyFunction:
    if callable(key):
        return key
    if key == "ip":
        return lambda request: f"ip:{client_ip(request)}"
    if key == "user":
        return _user_key
    if key.startswith("header:"):
        name = key.removeprefix("header:")
        return lambda request: f"h:{request.headers.get(name, '')}"
    raise ImproperlyConfigured(f"Unknown rate-limit key {key!r}: use 'ip', 'user', 'header:<Name>' or a callable.")


def _store() -> RateLimitStore:
    from covet.cache import caches

    return store_for(caches[getattr(settings, "RATELIMIT_CACHE_ALIAS", "default")])


def _counter_key(scope: str, identity: str) -> str:
    identity = identity if _SAFE_KEY.match(identity) else hashlib.sha256(identity.encode()).hexdigest()
    scope = scope if _SAFE_KEY.match(scope) else hashlib.sha256(scope.encode()).hexdigest()
    return f"{scope}|{identity}"


async def check(request: Request, rate: Rate, key: KeyFunction, scope: str) -> Decision:
    """Count this request; the decision says whether it may go on."""
    return await _store().hit(_counter_key(scope, key(request)), rate.limit, rate.period)


def too_many_requests(request: Request, rate: Rate, decision: Decision, scope: str) -> Response:
    wait = ceil_seconds(decision.retry_after)
    audit("rate_limited", request, rate=rate.text, scope=scope, retry_after=wait)
    return JSONResponse(
        {"detail": f"Too many requests: the limit is {rate.text}. Try again in {wait} s."},
        status_code=429,
        headers={"Retry-After": str(wait)},
    )


def ratelimit(
    rate: str, *, key: str | KeyFunction = "ip", methods: Iterable[str] | None = None, scope: str | None = None
) -> Callable[[_V], _V]:
    """Limit a view to ``rate`` per key (see the module docstring); ``methods`` limits only those methods."""
    parsed = Rate.parse(rate)
    key_of = key_function(key)
    limited_methods = {m.upper() for m in methods} if methods is not None else None

    def decorator(view: _V) -> _V:
        name = scope or f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        async def wrapper(request: Request, **params: Any) -> Any:
            if getattr(settings, "RATELIMIT_ENABLED", True) and (
                limited_methods is None or request.method in limited_methods
            ):
                decision = await check(request, parsed, key_of, name)
                if not decision.allowed:
                    return too_many_requests(request, parsed, decision, name)
            return await call_view(view, request, **params)

        return wrapper  # type: ignore[return-value]

    return decorator


@dataclass(frozen=True)
class Rule:
    """One ``RATELIMIT_RULES`` entry: which requests it counts (path prefix or regex, methods) and how."""

    rate: Rate
    key: KeyFunction
    scope: str
    prefix: str | None
    pattern: re.Pattern[str] | None
    methods: frozenset[str] | None

    @classmethod
    def from_setting(cls, entry: Mapping[str, Any]) -> Rule:
        if "rate" not in entry or not ("path" in entry or "regex" in entry):
            raise ImproperlyConfigured(f"RATELIMIT_RULES entry {dict(entry)!r} needs 'rate' and 'path' (or 'regex').")
        methods = entry.get("methods")
        return cls(
            rate=Rate.parse(entry["rate"]),
            key=key_function(entry.get("key", "ip")),
            scope=f"rule:{entry.get('path') or entry.get('regex')}:{entry['rate']}",
            prefix=entry.get("path"),
            pattern=re.compile(entry["regex"]) if "regex" in entry else None,
            methods=frozenset(m.upper() for m in methods) if methods else None,
        )

    def applies_to(self, request: Request) -> bool:
        if self.methods is not None and request.method not in self.methods:
            return False
        if self.pattern is not None:
            return self.pattern.search(request.path) is not None
        return request.path.startswith(self.prefix or "")


class RateLimitMiddleware:
    """Applies every matching ``RATELIMIT_RULES`` entry to each request; the first one exceeded answers 429."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.enabled = bool(getattr(settings, "RATELIMIT_ENABLED", True))
        self.rules = [Rule.from_setting(entry) for entry in getattr(settings, "RATELIMIT_RULES", [])]

    async def __call__(self, request: Request) -> Response:
        if self.enabled:
            for rule in self.rules:
                if rule.applies_to(request):
                    decision = await check(request, rule.rate, rule.key, rule.scope)
                    if not decision.allowed:
                        return too_many_requests(request, rule.rate, decision, rule.scope)
        response: Response = await self.get_response(request)
        return response
