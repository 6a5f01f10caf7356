"""The default responses for errors: an ``HTTPException``'s status and detail, and the 500 for anything else.

The format follows the client's ``Accept`` header (or a JSON request body when it names none): JSON
``{"detail": ...}``, or plain text; in DEBUG an HTML client gets the technical pages instead.
"""

from __future__ import annotations

import logging

from covet.core.debug.pages import technical_404_html, technical_500_html, technical_500_text
from covet.core.negotiation import request_error_format
from covet.core.request_id import request_id_for
from covet.exceptions import Http404, HTTPException
from covet.http import HTMLResponse, JSONResponse, PlainTextResponse, Request, Response
from covet.routing import Router

logger = logging.getLogger("covet.request")


class RouteNotFound(Http404):
    """No route matched the request path (as opposed to an ``Http404`` raised by a view)."""


def http_exception_response(request: Request, exc: HTTPException, *, debug: bool, router: Router) -> Response:
    """``exc.status_code`` with ``exc.detail`` and ``exc.headers``."""
    fmt = request_error_format(request.headers.get("accept"), request.headers.get("content-type"))
    if debug and fmt == "html" and isinstance(exc, Http404):
        raised_by = None if isinstance(exc, RouteNotFound) else _view_name(request)
        body = technical_404_html(request, router, raised_by, exc.detail)
        return HTMLResponse(body, exc.status_code, exc.headers)
    if fmt == "json":
        return JSONResponse({"detail": exc.detail}, exc.status_code, exc.headers)
    return PlainTextResponse(exc.detail, exc.status_code, exc.headers)


def server_error_response(request: Request, exc: BaseException, *, debug: bool) -> Response:
    """Log ``exc`` with the request id, then answer 500 (the technical page in DEBUG)."""
    request_id = request_id_for(request)
    logger.error(
        "Internal Server Error: %s %s (request id: %s)",
        request.method,
        request.path,
        request_id,
        exc_info=(type(exc), exc, exc.__traceback__),
        extra={"request_id": request_id, "status_code": 500},
    )
    headers = {"x-request-id": request_id}
    fmt = request_error_format(
        request.headers.get("accept"), request.headers.get("content-type"), default="html" if debug else "text"
    )
    if debug:
        if fmt == "html":
            return HTMLResponse(technical_500_html(request, exc, request_id), 500, headers)
        return PlainTextResponse(technical_500_text(request, exc, request_id), 500, headers)
    message = f"Internal Server Error (request id: {request_id})"
    if fmt == "json":
        return JSONResponse({"detail": message, "request_id": request_id}, 500, headers)
    return PlainTextResponse(message, 500, headers)


def _view_name(request: Request) -> str | None:
    route = request.scope.get("route")
    endpoint = getattr(route, "endpoint", None)
    if endpoint is None:
        return None
    return f"{getattr(endpoint, '__module__', '?')}.{getattr(endpoint, '__qualname__', repr(endpoint))}"
