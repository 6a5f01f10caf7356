"""Compose the middleware onion once: ``MIDDLEWARE`` around the view dispatcher, ``ASGI_MIDDLEWARE`` around the app.

A request middleware is a factory called with ``get_response`` (the next layer) that returns an async callable
``(request) -> Response``: a class ``M(get_response)`` with ``async def __call__(self, request)``, or a function
returning an ``async def``. Sync middleware is refused (it would block the event loop).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from covet.conf.importing import import_string
from covet.exceptions import ImproperlyConfigured
from covet.http import Request, Response
from covet.routing.route import is_async_callable
from covet.types import ASGIApp

GetResponse = Callable[[Request], Awaitable[Response]]
MiddlewareFactory = Callable[[GetResponse], GetResponse]
MiddlewareEntry = str | MiddlewareFactory


def _resolve(entry: Any, setting: str) -> Any:
    obj = import_string(entry, setting=setting) if isinstance(entry, str) else entry
    if not callable(obj):
        raise ImproperlyConfigured(f"{setting} entry {entry!r} is not a class or a factory function.")
    return obj


def build_middleware_chain(
    handler: GetResponse,
    middleware: Iterable[MiddlewareEntry],
    convert_exceptions: Callable[[GetResponse], GetResponse],
) -> GetResponse:
    """``middleware`` (outermost first) around ``handler``; each layer is wrapped by ``convert_exceptions`` so an
    error inside any layer becomes a response the layers outside it still see (as in Django). ``handler`` must
    turn its own exceptions into responses."""
    factories = [_resolve(entry, "MIDDLEWARE") for entry in middleware]
    get_response = handler
    for factory in reversed(factories):
        layer = factory(get_response)
        if layer is None or not is_async_callable(layer):
            raise ImproperlyConfigured(
                f"Middleware {_name(factory)} must produce an async callable: define "
                "`async def __call__(self, request)` on the class (or return an `async def` from the factory). "
                "Sync middleware is not supported because it would block the event loop."
            )
        get_response = convert_exceptions(layer)
    return get_response


def wrap_asgi_middleware(app: ASGIApp, middleware: Iterable[str | Callable[[ASGIApp], ASGIApp]]) -> ASGIApp:
    """``app`` wrapped by each raw ASGI middleware (outermost first), each called as ``Middleware(app)``."""
    for entry in reversed(list(middleware)):
        factory = _resolve(entry, "ASGI_MIDDLEWARE")
        app = factory(app)
        if not callable(app):
            raise ImproperlyConfigured(f"ASGI middleware {_name(factory)} did not return an ASGI callable.")
    return app


def _name(obj: Any) -> str:
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', repr(obj))}"
