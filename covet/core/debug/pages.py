"""Render the DEBUG pages with an autoescaping jinja2 environment (nothing from the request reaches the HTML raw)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from covet.core.debug.frames import exception_chain, safe_repr
from covet.core.debug.masking import masked_pairs, settings_summary
from covet.http import Request
from covet.routing import Router

if TYPE_CHECKING:
    import jinja2


@cache
def _environment() -> jinja2.Environment:
    import jinja2  # with the first DEBUG page: a production process never loads it for these pages

    return jinja2.Environment(
        loader=jinja2.PackageLoader("covet.core.debug", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def _render(template: str, **context: Any) -> str:
    environment = _environment()
    css = environment.loader.get_source(environment, "base.css")[0]  # type: ignore[union-attr]
    return environment.get_template(template).render(css=css, **context)


def technical_500_html(request: Request, exc: BaseException, request_id: str) -> str:
    """The DEBUG page for an unhandled exception: traceback with locals, request details, masked settings."""
    from covet.conf import settings

    route = request.scope.get("route")
    client = request.client
    query = masked_pairs(request.query_params.multi_items())
    return _render(
        "technical_500.html",
        exc_type=type(exc).__qualname__,
        exc_message=str(exc),
        request=request,
        request_id=request_id,
        url=request.url.replace(query=urlencode(query, safe="*")),
        chain=exception_chain(exc),
        client=f"{client.host}:{client.port}" if client else "unknown",
        route=route.path if route is not None else "(no route matched)",
        path_params=safe_repr(request.path_params),
        query=query,
        headers=masked_pairs(request.headers.items()),
        settings=settings_summary(settings),
    )


def technical_500_text(request: Request, exc: BaseException, request_id: str) -> str:
    """A plain-text version of the 500 page for clients that asked for JSON or text."""
    import traceback

    text = "".join(traceback.format_exception(exc))
    return f"{type(exc).__qualname__} at {request.method} {request.path} (request id: {request_id})\n\n{text}"


def technical_404_html(request: Request, router: Router, raised_by: str | None, detail: str) -> str:
    """The DEBUG 404 page: the patterns that were tried (or, for an Http404 raised by a view, the view)."""
    routes = [
        (", ".join(sorted(route.methods)) or route.kind.upper(), route.path, route.name or "")
        for route in router.routes
    ]
    return _render(
        "technical_404.html",
        method=request.method,
        path=request.path,
        raised_by=raised_by,
        detail=detail,
        routes=routes,
    )
