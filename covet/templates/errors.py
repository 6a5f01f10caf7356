"""Point template errors at the template: a note naming the file and line, shown in tracebacks and logs.

jinja2 already rewrites tracebacks so that template code appears as frames of the template file at the template's
line (the DEBUG error page shows those frames with the template's source around the line); the note adds the
same location to the exception itself, for the log and for the plain-text error page.
"""

from __future__ import annotations

import linecache
from types import TracebackType

import jinja2


def _template_frames(tb: TracebackType | None) -> list[tuple[str, int]]:
    found = []
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:  # a frame jinja2 made for a template line
            found.append((tb.tb_frame.f_code.co_filename, tb.tb_lineno))
        tb = tb.tb_next
    return found


def template_location(exc: BaseException) -> tuple[str, int] | None:
    """The template file and line where ``exc`` was raised (innermost template frame), if any."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.lineno:
        return (exc.filename or exc.name or "<template>", exc.lineno)
    frames = _template_frames(exc.__traceback__)
    return frames[-1] if frames else None


def annotate_template_error(exc: BaseException, template: jinja2.Template | None = None) -> None:
    """Add a note "Raised in template <file>, line <n>: <source>" to ``exc`` (once)."""
    location = template_location(exc)
    if location is None:
        if template is None:
            return
        location = (template.filename or template.name or "<template>", 0)
    filename, lineno = location
    note = f"Raised in template {filename}" + (f", line {lineno}" if lineno else "")
    source = linecache.getline(filename, lineno).strip() if lineno else ""
    if source:
        note += f": {source}"
    if note not in getattr(exc, "__notes__", ()):
        exc.add_note(note)
