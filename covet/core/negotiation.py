"""Pick the error format a client prefers from its ``Accept`` header (JSON, HTML or plain text)."""

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
        fmt = _FORMATS.get(media_type)
        if fmt is None and media_type.startswith("application/") and media_type.endswith("+json"):
            fmt = "json"
        if fmt is None:
            continue
        quality = _quality(params)
        if quality > 0 and (best is None or quality > best[0]):
            best = (quality, fmt)
    return best[1] if best is not None else default
