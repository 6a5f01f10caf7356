"""Errors that cross layers: raised anywhere, turned into responses or messages by the core and the CLI."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class CovetError(Exception):
    """Base class of every error Covet raises on purpose."""


class ImproperlyConfigured(CovetError):
    """The project's settings or layout are wrong; the message says what to change and where."""


class HTTPException(CovetError):
    """An exception that the core turns into an HTTP response with ``status_code``."""

    status_code: int = 500
    default_detail: str = "Internal Server Error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        status_code: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if status_code is not None:
            self.status_code = status_code
        self.detail = detail if detail is not None else self.default_detail
        self.headers: dict[str, str] = dict(headers or {})
        super().__init__(self.detail)


class BadRequest(HTTPException):
    status_code = 400
    default_detail = "Bad Request"


class Unauthorized(HTTPException):
    status_code = 401
    default_detail = "Unauthorized"


class PermissionDenied(HTTPException):
    status_code = 403
    default_detail = "Forbidden"


class Http404(HTTPException):
    status_code = 404
    default_detail = "Not Found"


class MethodNotAllowed(HTTPException):
    status_code = 405
    default_detail = "Method Not Allowed"


class RequestEntityTooLarge(HTTPException):
    status_code = 413
    default_detail = "Request body too large"


class TooManyRequests(HTTPException):
    status_code = 429
    default_detail = "Too Many Requests"


class SuspiciousOperation(BadRequest):
    """A request that looks malicious (bad Host, tampered data); answered with 400."""


class ValidationError(CovetError):
    """Invalid data. ``messages`` maps a field name (or ``"__all__"``) to its list of messages."""

    def __init__(self, message: str | Mapping[str, Any] | list[str], code: str | None = None) -> None:
        self.code = code
        if isinstance(message, Mapping):
            self.messages: dict[str, list[str]] = {
                key: list(value) if isinstance(value, list | tuple) else [str(value)] for key, value in message.items()
            }
        elif isinstance(message, list):
            self.messages = {"__all__": [str(m) for m in message]}
        else:
            self.messages = {"__all__": [str(message)]}
        super().__init__(self._summary())

    def _summary(self) -> str:
        parts = []
        for key, values in self.messages.items():
            text = "; ".join(values)
            parts.append(text if key == "__all__" else f"{key}: {text}")
        return " | ".join(parts)
