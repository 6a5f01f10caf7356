"""The response a security middleware sends when it refuses a request."""

from __future__ import annotations

from collections.abc import Mapping

from covet.conf import settings
from covet.http import PlainTextResponse


def refusal(status_code: int, message: str, reason: str, headers: Mapping[str, str] | None = None) -> PlainTextResponse:
    """A plain-text error: ``message`` for everyone, plus ``reason`` (what to fix) only when DEBUG is on."""
    body = f"{message}\n\n{reason}\n" if getattr(settings, "DEBUG", False) else f"{message}\n"
    return PlainTextResponse(body, status_code=status_code, headers=headers)
