"""Pick the error format a client prefers from its ``Accept`` header (JSON, HTML or plain text).

A client that names no format (no ``Accept``, or only ``*/*``) but sent a JSON body is answered in JSON.
"""

from __future__ import annotations

from typing import Literal

ErrorFormat = Literal["json", "html", "text"]

_FORMATS: dict[str, ErrorFormat] = {
    "application/json": "json",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
}


def _quality(params: list[str]) -> float:
    for param in params:
        key, _, value = param.strip().partition("=")
        if key.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


def is_json_media_type(content_type: str | None) -> bool:
    """Whether ``content_type`` (e.g. a request's ``Content-Type``) is JSON: ``application/json`` or ``+json``."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


def request_error_format(accept: str | None, content_type: str | None, default: ErrorFormat = "text") -> ErrorFormat:
    """:func:`preferred_error_format`, defaulting to JSON when the request body itself was JSON."""
    return preferred_error_format(accept, "json" if is_json_media_type(content_type) else default)


def preferred_error_format(accept: str | None, default: ErrorFormat = "text") -> ErrorFormat:
    """The format with the highest ``q`` among those named in ``accept`` (earlier wins ties).

    Wildcards (``*/*``) and an absent header give ``default``; ``application/*+json`` counts as JSON.
    """
    if not accept:
        return default
    best: tuple[float, ErrorFormat] | None = None
    for item in accept.split(","):
        media_type, *params = item.split(";")
        media_type = media_type.strip().lower()
        fmt = "json" if is_json_media_type(media_type) else _FORMATS.get(media_type)
        if fmt is None:
            continue
        quality = _quality(params)
        if quality > 0 and (best is None or quality > best[0]):
            best = (quality, fmt)
    return best[1] if best is not None else default
