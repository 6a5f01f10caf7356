"""Access log: one line per request on the ``covet.access`` logger, coloured by status in a terminal.

The message is plain text so any handler prints something useful; the fields
are also attached to the record (``client``, ``method``, ``path``,
``http_version``, ``status``, ``bytes``, ``duration_ms``) for structured handlers.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

from rich.console import Console
from rich.logging import RichHandler
from rich.text import Text

access_logger = logging.getLogger("covet.access")

ACCESS_FORMAT = '%s - "%s %s HTTP/%s" %d %d %.1fms'


def log_access(
    client: tuple[str, int] | None,
    method: str,
    path: str,
    http_version: str,
    status: int,
    size: int,
    duration_ms: float,
) -> None:
    """Emit one access line: ``127.0.0.1:5000 - "GET /x?y=1 HTTP/1.1" 200 12 0.4ms``."""
    if not access_logger.isEnabledFor(logging.INFO):
        return
    client_text = f"{client[0]}:{client[1]}" if client else "-"
    fields: dict[str, Any] = {
        "client": client_text,
        "method": method,
        "path": path,
        "http_version": http_version,
        "status": status,
        "bytes": size,
        "duration_ms": duration_ms,
    }
    access_logger.info(ACCESS_FORMAT, client_text, method, path, http_version, status, size, duration_ms, extra=fields)


_STATUS_STYLES = {1: "blue", 2: "green", 3: "cyan", 4: "yellow", 5: "bold red"}


class RichAccessHandler(RichHandler):
    """A rich handler that colours the status code of access lines."""

    def render_message(self, record: logging.LogRecord, message: str) -> Text:
        text = Text(message)
        status = getattr(record, "status", None)
        if isinstance(status, int):
            marker = f'" {status} '
            start = message.rfind(marker)
            if start >= 0:
                begin = start + 2
                text.stylize(_STATUS_STYLES.get(status // 100, ""), begin, begin + 3)
        return text


def configure_logging(level: int | None = None, *, stream: TextIO | None = None, colors: bool | None = None) -> None:
    """Send ``covet.*`` logs to stderr unless the application already configured logging.

    ``level`` defaults to INFO unless a level was set before. Colours (rich) are
    used when the stream is a terminal, unless ``colors`` says otherwise.
    """
    covet_logger = logging.getLogger("covet")
    if level is not None:
        covet_logger.setLevel(level)
    elif covet_logger.level == logging.NOTSET:
        covet_logger.setLevel(logging.INFO)
    if covet_logger.handlers or logging.getLogger().handlers:
        return
    stream = sys.stderr if stream is None else stream
    use_colors = stream.isatty() if colors is None else colors
    handler: logging.Handler
    if use_colors:
        console = Console(file=stream, force_terminal=True)
        handler = RichAccessHandler(console=console, show_path=False, rich_tracebacks=True, markup=False)
    else:
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    covet_logger.addHandler(handler)
    covet_logger.propagate = False
