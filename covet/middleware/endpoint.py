"""Which view will handle a request, for middleware that honours per-view marks (``@csrf_exempt``)."""

from __future__ import annotations

from typing import Any

from covet.core.app import routing_path
from covet.http import Request


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
