"""``Route``: one path template bound to an endpoint (an HTTP view, a WebSocket handler or a static body)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from covet.exceptions import ImproperlyConfigured
from covet.http.datastructures import encode_header
from covet.routing.template import PathTemplate, parse_template

RouteKind = Literal["http", "websocket", "static"]

HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})


def is_async_callable(obj: Any) -> bool:
    """True for ``async def`` functions, partials of them and objects whose ``__call__`` is ``async def``."""
    while hasattr(obj, "func") and hasattr(obj, "args"):  # functools.partial, possibly nested
        obj = obj.func
    return inspect.iscoroutinefunction(obj) or inspect.iscoroutinefunction(getattr(obj, "__call__", None))  # noqa: B004


def normalize_methods(path: str, methods: Iterable[str] | None) -> frozenset[str]:
    """Upper-case ``methods`` (default ``GET``); unknown methods raise ``ImproperlyConfigured``."""
    if methods is None:
        return frozenset({"GET"})
    if isinstance(methods, str):
        raise ImproperlyConfigured(f"Route {path!r}: methods must be a list such as ['GET', 'POST'], not {methods!r}.")
    normalized = frozenset(method.upper() for method in methods)
    if not normalized:
        raise ImproperlyConfigured(f"Route {path!r}: methods must not be empty.")
    unknown = normalized - HTTP_METHODS
    if unknown:
        raise ImproperlyConfigured(
            f"Route {path!r}: unknown HTTP method(s) {', '.join(sorted(unknown))}; "
            f"use some of {', '.join(sorted(HTTP_METHODS))}."
        )
    return normalized


@dataclass(frozen=True, slots=True, eq=False)
class Route:
    """A registered route. Build them through ``Router``; ``template`` is the parsed ``path``."""

    path: str
    endpoint: Callable[..., Any] | None
    methods: frozenset[str]
    name: str | None
    kind: RouteKind
    template: PathTemplate
    is_async: bool
    body: bytes = b""
    content_type: str = ""
    headers: tuple[tuple[str, str], ...] = field(default=())

    @classmethod
    def http(
        cls, path: str, endpoint: Callable[..., Any], methods: Iterable[str] | None = None, name: str | None = None
    ) -> Route:
        _check_endpoint(path, endpoint)
        return cls(
            path=path,
            endpoint=endpoint,
            methods=normalize_methods(path, methods),
            name=name,
            kind="http",
            template=parse_template(path),
            is_async=is_async_callable(endpoint),
        )

    @classmethod
    def websocket(cls, path: str, endpoint: Callable[..., Any], name: str | None = None) -> Route:
        _check_endpoint(path, endpoint)
        if not is_async_callable(endpoint):
            raise ImproperlyConfigured(
                f"WebSocket route {path!r}: the endpoint {endpoint!r} must be an async function."
            )
        return cls(
            path=path,
            endpoint=endpoint,
            methods=frozenset(),
            name=name,
            kind="websocket",
            template=parse_template(path),
            is_async=True,
        )

    @classmethod
    def static(
        cls,
        path: str,
        body: bytes | str,
        content_type: str = "text/plain",
        headers: Mapping[str, str] | None = None,
        name: str | None = None,
    ) -> Route:
        template = parse_template(path)
        if not template.is_static:
            raise ImproperlyConfigured(f"Static route {path!r} must not have parameters: its body is computed once.")
        if isinstance(body, str):
            body = body.encode("utf-8")
        if content_type.startswith("text/") and "charset=" not in content_type.lower():
            content_type += "; charset=utf-8"  # what the Response family would add: both servers send the same
        if not isinstance(body, bytes):
            raise ImproperlyConfigured(f"Static route {path!r}: body must be bytes or str, got {type(body).__name__}.")
        header_items = tuple((str(key), str(value)) for key, value in (headers or {}).items())
        for header_name, value in (*header_items, ("content-type", content_type)):
            try:  # checked now, so a bad header fails at startup rather than on every request
                encode_header(header_name, value)
            except ValueError as exc:
                raise ImproperlyConfigured(f"Static route {path!r}: {exc}") from None
        return cls(
            path=path,
            endpoint=None,
            methods=frozenset({"GET"}),
            name=name,
            kind="static",
            template=template,
            is_async=False,
            body=body,
            content_type=content_type,
            headers=header_items,
        )

    def with_prefix(self, prefix: str, namespace: str | None = None) -> Route:
        """A copy mounted under ``prefix``, its name qualified as ``namespace:name`` when a namespace is given."""
        template = self.template.with_prefix(prefix)
        name = f"{namespace}:{self.name}" if namespace and self.name else self.name
        return Route(
            path=template.source,
            endpoint=self.endpoint,
            methods=self.methods,
            name=name,
            kind=self.kind,
            template=template,
            is_async=self.is_async,
            body=self.body,
            content_type=self.content_type,
            headers=self.headers,
        )

    def __post_init__(self) -> None:
        if self.endpoint is not None:
            _check_signature(self.path, self.endpoint, self.template.param_names)

    def __repr__(self) -> str:
        methods = ",".join(sorted(self.methods)) or self.kind
        return f"<Route {methods} {self.path!r} name={self.name!r}>"


def _check_endpoint(path: str, endpoint: Any) -> None:
    if not callable(endpoint):
        raise ImproperlyConfigured(f"Route {path!r}: the endpoint {endpoint!r} is not callable.")


def _check_signature(path: str, endpoint: Any, param_names: tuple[str, ...]) -> None:
    """Refuse, at registration, an endpoint that could not be called as ``endpoint(request, **params)``."""
    try:
        signature = inspect.signature(endpoint)
    except (TypeError, ValueError):  # some builtins and C callables have no signature to check
        return
    try:
        signature.bind(None, **dict.fromkeys(param_names))
    except TypeError as exc:
        name = getattr(endpoint, "__qualname__", repr(endpoint))
        wanted = ", ".join(("request", *param_names))
        raise ImproperlyConfigured(
            f"Route {path!r}: {name}{signature} cannot be called as {name}({wanted}) ({exc}). "
            "A view takes the request first, then one keyword argument per path parameter."
        ) from None
