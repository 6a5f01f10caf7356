"""Errors that cross layers: raised anywhere, turned into responses or messages by the core and the CLI."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class CovetError(Exception):
    """Base class of every error Covet raises on purpose."""


class ImproperlyConfigured(CovetError):
    """The project's settings or layout are wrong; the message says what to change and where."""


def migrate_command(database: str) -> str:
    """The command that applies the migrations of ``database`` (an alias of settings.DATABASES)."""
    return "covet migrate" if database == "default" else f"covet migrate --database {database}"


class TableDoesNotExist(CovetError):
    """A query used a table the database doesn't have: its migrations are not applied (``covet migrate``).

    ``unapplied_apps`` names the apps whose migrations the database lacks: None when that couldn't be read,
    empty when every migration is applied (then no migration creates the table yet).
    """

    def __init__(self, table: str, database: str, unapplied_apps: list[str] | None = None) -> None:
        self.table = table
        self.database = database
        self.unapplied_apps = unapplied_apps
        super().__init__(table, database)

    @property
    def command(self) -> str:
        return migrate_command(self.database)

    def __str__(self) -> str:
        missing = f'Table "{self.table}" does not exist in database "{self.database}"'
        if self.unapplied_apps is None:
            return f'{missing}: run "{self.command}" (and "covet makemigrations" first if no migration creates it).'
        if not self.unapplied_apps:
            return (
                f"{missing} and every migration is applied, so no migration creates it yet: "
                f'run "covet makemigrations", then "{self.command}".'
            )
        return f'{missing}: run "{self.command}" (unapplied migrations: {", ".join(self.unapplied_apps)}).'


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
