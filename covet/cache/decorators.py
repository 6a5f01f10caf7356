"""``@cache_page(ttl)``: serve a view's successful GET responses from the cache.

Only GET and HEAD requests are answered from the cache, and only 200 responses to GET are stored:
never streaming responses, responses that set cookies (they would leak one visitor's cookie to the
next), ``Cache-Control: private / no-store / no-cache`` or ``Vary: *``. Requests with an
``Authorization`` header bypass the cache. The cache key is the full URL plus the values of the
request headers named in the response's ``Vary``; a view that read the session or ran for a signed-in
user varies on ``Cookie`` too, so each session gets its own entry. Stored responses get
``Cache-Control: max-age=<ttl>`` unless the view set its own ``max-age``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from covet.cache.handler import DEFAULT_CACHE_ALIAS, caches
from covet.core.return_values import to_response
from covet.http import Request, Response, StreamingResponse
from covet.middleware.endpoint import call_view

_V = TypeVar("_V", bound=Callable[..., Any])

_UNCACHEABLE_DIRECTIVES = frozenset({"private", "no-store", "no-cache"})


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def _vary_headers(response: Response, request: Request | None = None) -> list[str]:
    names = {h.strip().lower() for value in response.headers.getlist("vary") for h in value.split(",") if h.strip()}
    if request is not None and _depends_on_visitor(request):
        names.add("cookie")  # the session middleware adds Vary: Cookie only after this decorator has returned
    return sorted(names)


def _depends_on_visitor(request: Request) -> bool:
    session = request.scope.get("session")
    user = request.scope.get("user")
    return bool(getattr(session, "accessed", False) or getattr(user, "is_authenticated", False))


def is_cacheable(response: Response) -> bool:
    if response.status_code != 200 or isinstance(response, StreamingResponse) or "set-cookie" in response.headers:
        return False
    directives = {d.strip().split("=")[0].lower() for d in response.headers.get("cache-control", "").split(",")}
    return not (directives & _UNCACHEABLE_DIRECTIVES) and "*" not in _vary_headers(response)


def _response_key(prefix: str, url: str, request: Request, vary: list[str]) -> str:
    values = [f"{name}={request.headers.get(name, '')}" for name in vary]
    return f"{prefix}cache_page.response.{_digest(url, *values)}"


def _encode(response: Response) -> dict[str, Any]:
    headers = [[k, v] for k, v in response.headers.items() if k != "content-length"]
    return {"status": response.status_code, "headers": headers, "body": base64.b64encode(response.body).decode()}


def _decode(entry: dict[str, Any]) -> Response:
    response = Response(base64.b64decode(entry["body"]), status_code=int(entry["status"]))
    for name, value in entry["headers"]:
        response.headers.append(name, value)
    return response


def cache_page(ttl: float, *, cache: str = DEFAULT_CACHE_ALIAS, key_prefix: str = "") -> Callable[[_V], _V]:
    """Cache the view's responses for ``ttl`` seconds in cache alias ``cache``."""

    def decorator(view: _V) -> _V:
        @functools.wraps(view)
        async def wrapper(request: Request, **params: Any) -> Response:
            store = caches[cache]
            if request.method not in ("GET", "HEAD") or "authorization" in request.headers:
                return to_response(await call_view(view, request, **params), view)
            url = str(request.url)
            vary_key = f"{key_prefix}cache_page.vary.{_digest(url)}"
            vary = await store.get(vary_key)
            if isinstance(vary, list):
                hit = await store.get(_response_key(key_prefix, url, request, vary))
                if isinstance(hit, dict):
                    return _decode(hit)
            response = to_response(await call_view(view, request, **params), view)
            finalize = getattr(response, "finalize", None)
            if finalize is not None:  # a TemplateResponse renders its body late; the core would do it after us
                await finalize()
            if request.method == "GET" and is_cacheable(response):
                if "max-age" not in response.headers.get("cache-control", ""):
                    response.headers.append("cache-control", f"max-age={int(ttl)}")
                vary = _vary_headers(response, request)
                await store.set(vary_key, vary, ttl)
                await store.set(_response_key(key_prefix, url, request, vary), _encode(response), ttl)
            return response

        return wrapper  # type: ignore[return-value]

    return decorator
