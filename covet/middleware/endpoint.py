"""The view behind a request: which one will handle it (for per-view marks such as ``@csrf_exempt``), and how
view decorators call it."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import anyio.to_thread

from covet.core.app import routing_path
from covet.http import Request
from covet.routing.route import is_async_callable


def endpoint_of(request: Request) -> Any:
    """The view function for this request, or None when no route matches.

    Uses the route the core already matched (``scope["route"]``) when there is one, else asks the
    application's router: a middleware runs before the view, so the match may not have happened yet.
    """
    scope = request.scope
    route = scope.get("route")
    if route is None:
        router = scope.get("router") or getattr(scope.get("app"), "router", None)
        if router is None:
            return None
        route = getattr(router.match(request.method, routing_path(scope)), "route", None)
    return getattr(route, "endpoint", None)


def view_attribute(request: Request, name: str, default: Any = None) -> Any:
    """Attribute ``name`` of the request's view, looking through ``functools.wraps`` layers."""
    view = endpoint_of(request)
    while view is not None:
        if hasattr(view, name):
            return getattr(view, name)
        view = getattr(view, "__wrapped__", None)
    return default


async def call_view(view: Callable[..., Any], request: Request, **params: Any) -> Any:
    """Run a view as the core would: awaited when async, in a worker thread when sync (never on the loop)."""
    if is_async_callable(view):
        return await view(request, **params)
    return await anyio.to_thread.run_sync(functools.partial(view, request, **params))
