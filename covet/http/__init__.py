"""Covet's HTTP objects: ``Request``, the ``Response`` family, and the value types they are made of."""

from covet.http import status
from covet.http.background import BackgroundTask, BackgroundTasks
from covet.http.datastructures import (
    URL,
    Address,
    FormData,
    Headers,
    MutableHeaders,
    QueryParams,
    State,
    UploadFile,
)
from covet.http.files import FileResponse
from covet.http.request import ClientDisconnect, HTTPConnection, MissingMiddlewareError, Request
from covet.http.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)

__all__ = [
    "URL",
    "Address",
    "BackgroundTask",
    "BackgroundTasks",
    "ClientDisconnect",
    "FileResponse",
    "FormData",
    "HTMLResponse",
    "HTTPConnection",
    "Headers",
    "JSONResponse",
    "MissingMiddlewareError",
    "MutableHeaders",
    "PlainTextResponse",
    "QueryParams",
    "RedirectResponse",
    "Request",
    "Response",
    "State",
    "StreamingResponse",
    "UploadFile",
    "status",
]
