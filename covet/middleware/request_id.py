"""RequestIdMiddleware: one id per request, in the ``X-Request-ID`` response header and in every log record.

A sane incoming ``X-Request-ID`` (up to 128 of ``A-Za-z0-9._:-``, from your proxy) is kept, anything
else is replaced by a fresh one — the same rule the core uses for its 500 pages, through the same
function. While the request runs, ``current_request_id`` holds it, and ``RequestIdLogFilter`` copies it
onto log records as ``record.request_id`` (``"-"`` outside requests); add the filter to a handler::

    LOGGING = {"version": 1, "filters": {"request_id": {"()": "covet.middleware.request_id.RequestIdLogFilter"}},
               "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"]}}, ...}
"""

from __future__ import annotations

import logging
from contextvars import ContextVar

from covet.core.request_id import request_id_for
from covet.http import Request, Response
from covet.http.request import SCOPE_REQUEST_ID
from covet.middleware import GetResponse
from covet.middleware.hooks import HookMiddleware

HEADER = "X-Request-ID"
_HEADER_NAME = b"x-request-id"

current_request_id: ContextVar[str | None] = ContextVar("covet_request_id", default=None)


class RequestIdLogFilter(logging.Filter):
    """Adds ``request_id`` to every record passing through (never filters anything out)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get() or "-"
        return True


class RequestIdMiddleware(HookMiddleware):
    def __init__(self, get_response: GetResponse) -> None:
        super().__init__(get_response)
        # Where process_request leaves the contextvar token for process_response: per instance, so two layers
        # sharing a scope (a mounted app with its own stack) each reset their own.
        self.token_key = f"covet.request_id_token.{id(self)}"

    def process_request(self, request: Request) -> None:
        request_id = request_id_for(request)
        request.scope[self.token_key] = current_request_id.set(request_id)

    def process_response(self, request: Request, response: Response) -> Response:
        scope = request.scope
        token = scope.pop(self.token_key, None)
        if token is not None:
            current_request_id.reset(token)
        request_id: str = scope[SCOPE_REQUEST_ID]
        raw = response.raw_headers
        for name, _ in raw:
            if name == _HEADER_NAME:
                response.headers[HEADER] = request_id  # replace what the view set
                break
        else:  # the common case, without building a MutableHeaders; the id is already header-safe
            raw.append((_HEADER_NAME, request_id.encode("latin-1")))
        return response
