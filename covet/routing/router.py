"""``Router``: register routes with decorators, mount other routers, match requests, reverse names."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import ModuleType
from typing import Any, TypeVar

from covet.exceptions import ImproperlyConfigured
from covet.routing.includes import Include, import_url_module, url_module_patterns
from covet.routing.match import NOT_FOUND, MatchStatus, RouteMatch
from covet.routing.reverse import build_path, unknown_name_error
from covet.routing.route import Route
from covet.routing.template import normalize_prefix
from covet.routing.tree import RouteTable

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])

WEBSOCKET_KEY = "WEBSOCKET"
_REDIRECTABLE = frozenset({"GET", "HEAD"})
# Paths a browser reads as another host when sent back in a Location header (/\evil.com is //evil.com).
_OFFSITE = ("//", "/\\")


class Router:
    """A set of routes.

    ``@router.get("/posts/{id:int}", name="post-detail")`` registers a view; ``router.include(...)`` mounts
    another router or URL module under a prefix; ``router.match(method, path)`` finds the view;
    ``router.reverse("post-detail", id=3)`` builds ``"/posts/3"``. Registration errors (bad template, clashing
    name or route) raise ``ImproperlyConfigured`` and leave the router unchanged.
    """

    def __init__(self, routes: Iterable[Route] = ()) -> None:
        self._routes: list[Route] = []
        self._names: dict[str, Route] = {}
        self._http = RouteTable()
        self._websocket = RouteTable()
        for route in routes:
            self.add(route)

    # -- registration -------------------------------------------------------------------------------------------

    def add(self, route: Route) -> Route:
        """Register a built ``Route``."""
        table, keys = self._table_for(route)
        if route.name is not None and route.name in self._names:
            raise ImproperlyConfigured(
                f"Route name {route.name!r} is used twice: by {self._names[route.name]!r} and by {route!r}. "
                "Route names must be unique (use include(..., namespace=...) to qualify an app's names)."
            )
        table.add(route, keys)  # raises before changing anything when the path/method is taken
        if route.name is not None:
            self._names[route.name] = route
        self._routes.append(route)
        return route

    def add_route(
        self, path: str, endpoint: Callable[..., Any], methods: Iterable[str] | None = None, name: str | None = None
    ) -> Route:
        """Route ``methods`` (default ``["GET"]``) on ``path`` to ``endpoint(request, **params)``."""
        return self.add(Route.http(path, endpoint, methods, name))

    def add_websocket_route(self, path: str, endpoint: Callable[..., Any], name: str | None = None) -> Route:
        """Route WebSocket connections on ``path`` to ``async endpoint(websocket, **params)``."""
        return self.add(Route.websocket(path, endpoint, name))

    def static(
        self,
        path: str,
        body: bytes | str,
        content_type: str = "text/plain",
        headers: Mapping[str, str] | None = None,
        name: str | None = None,
    ) -> Route:
        """Answer ``GET``/``HEAD path`` with a fixed ``body`` computed once (servable without Python by the accel)."""
        return self.add(Route.static(path, body, content_type, headers, name))

    def route(
        self, path: str, methods: Iterable[str] | None = None, name: str | None = None
    ) -> Callable[[Endpoint], Endpoint]:
        """Decorator form of :meth:`add_route`."""

        def decorator(endpoint: Endpoint) -> Endpoint:
            self.add_route(path, endpoint, methods, name)
            return endpoint

        return decorator

    def get(self, path: str, name: str | None = None) -> Callable[[Endpoint], Endpoint]:
        return self.route(path, ["GET"], name)

    def post(self, path: str, name: str | None = None) -> Callable[[Endpoint], Endpoint]:
        return self.route(path, ["POST"], name)

    def put(self, path: str, name: str | None = None) -> Callable[[Endpoint], Endpoint]:
        return self.route(path, ["PUT"], name)

    def patch(self, path: str, name: str | None = None) -> Callable[[Endpoint], Endpoint]:
        return self.route(path, ["PATCH"], name)

    def delete(self, path: str, name: str | None = None) -> Callable[[Endpoint], Endpoint]:
        return self.route(path, ["DELETE"], name)

    def head(self, path: str, name: str | None = None) -> Callable[[Endpoint], Endpoint]:
        return self.route(path, ["HEAD"], name)

    def options(self, path: str, name: str | None = None) -> Callable[[Endpoint], Endpoint]:
        return self.route(path, ["OPTIONS"], name)

    def websocket(self, path: str, name: str | None = None) -> Callable[[Endpoint], Endpoint]:
        """Decorator form of :meth:`add_websocket_route`."""

        def decorator(endpoint: Endpoint) -> Endpoint:
            self.add_websocket_route(path, endpoint, name)
            return endpoint

        return decorator

    def include(self, target: Any, prefix: str = "", namespace: str | None = None) -> None:
        """Copy the routes of ``target`` under ``prefix``.

        ``target``: a ``Router``, an ``include(...)`` result, a ``Route``, a URL module or its dotted path (the
        module's ``urlpatterns`` or ``router``), or a list of those. Routes added to ``target`` afterwards are not
        seen. All-or-nothing: if one route clashes, none is added.
        """
        incoming = list(_collect(target, normalize_prefix(prefix), namespace, seen=()))
        staging = Router(self._routes)
        for route in incoming:
            staging.add(route)
        self._routes, self._names = staging._routes, staging._names
        self._http, self._websocket = staging._http, staging._websocket

    def _table_for(self, route: Route) -> tuple[RouteTable, Iterable[str]]:
        if route.kind == "websocket":
            return self._websocket, (WEBSOCKET_KEY,)
        return self._http, route.methods

    # -- lookup ---------------------------------------------------------------------------------------------------

    @property
    def routes(self) -> tuple[Route, ...]:
        """Every route, in registration order."""
        return tuple(self._routes)

    def match(self, method: str, path: str, *, append_slash: bool = True) -> RouteMatch:
        """Find the route for an HTTP request.

        ``path`` is the URL path as sent (percent-encoded; parameters are decoded before conversion).
        With ``append_slash``, a ``GET``/``HEAD`` that matches nothing but would match with a trailing ``/``
        gets a ``REDIRECT`` outcome.
        """
        if not path.startswith("/"):  # "OPTIONS *" and anything else that is not an origin-form path
            return NOT_FOUND
        route, params, allowed = self._http.lookup(method, path)
        if route is not None:
            return RouteMatch(MatchStatus.FOUND, route, params or {})  # the shared empty dict is never handed out
        if allowed:
            return RouteMatch(MatchStatus.METHOD_NOT_ALLOWED, allowed_methods=allowed)
        if append_slash and method in _REDIRECTABLE and not path.endswith("/") and not path.startswith(_OFFSITE):
            slashed = path + "/"
            found, _, slashed_allowed = self._http.lookup("GET", slashed)
            if found is not None or slashed_allowed:
                return RouteMatch(MatchStatus.REDIRECT, redirect_to=slashed)
        return NOT_FOUND

    def match_websocket(self, path: str) -> RouteMatch:
        """Find the WebSocket route for ``path`` (``FOUND`` or ``NOT_FOUND``)."""
        if not path.startswith("/"):
            return NOT_FOUND
        route, params, _ = self._websocket.lookup(WEBSOCKET_KEY, path)
        if route is None:
            return NOT_FOUND
        return RouteMatch(MatchStatus.FOUND, route, params or {})

    def reverse(self, name: str, /, **params: Any) -> str:
        """The path of the route called ``name`` with ``params`` filled in; ``NoReverseMatch`` otherwise."""
        route = self._names.get(name)
        if route is None:
            raise unknown_name_error(name, self._names)
        return build_path(route, params)

    url_path_for = reverse  # the name Starlette-shaped Request.url_for() calls

    def __repr__(self) -> str:
        return f"<Router with {len(self._routes)} routes>"


def _collect(target: Any, prefix: str, namespace: str | None, seen: tuple[str, ...]) -> Iterable[Route]:
    """Yield the routes of an include target, mounted under ``prefix`` and qualified by ``namespace``."""
    if isinstance(target, Include):
        inner_prefix = normalize_prefix(target.prefix)
        inner_ns = namespace
        if target.namespace:
            inner_ns = f"{namespace}:{target.namespace}" if namespace else target.namespace
        yield from _collect(target.target, prefix + inner_prefix, inner_ns, seen)
    elif isinstance(target, Router):
        for route in target.routes:
            yield route.with_prefix(prefix, namespace)
    elif isinstance(target, Route):
        yield target.with_prefix(prefix, namespace)
    elif isinstance(target, str):
        yield from _collect(import_url_module(target), prefix, namespace, seen)
    elif isinstance(target, ModuleType):
        if target.__name__ in seen:
            chain = " -> ".join((*seen, target.__name__))
            raise ImproperlyConfigured(f"URL module {target.__name__!r} includes itself: {chain}.")
        yield from _collect(url_module_patterns(target), prefix, namespace, (*seen, target.__name__))
    elif isinstance(target, list | tuple):
        for item in target:
            yield from _collect(item, prefix, namespace, seen)
    else:
        raise ImproperlyConfigured(
            f"Cannot include {target!r}: expected a Router, include(...), Route, URL module, dotted module path "
            "or a list of those."
        )
