"""Traceback frames for the DEBUG 500 page: source context and local variables, for each exception in the chain."""

from __future__ import annotations

import linecache
import reprlib
from dataclasses import dataclass, field
from types import TracebackType

from covet.core.debug.masking import cleanse

_CONTEXT_LINES = 5
_repr = reprlib.Repr()
_repr.maxstring = 400
_repr.maxother = 400
_repr.maxlevel = 3


@dataclass
class Frame:
    filename: str
    lineno: int
    function: str
    context: list[tuple[int, str]]
    local_vars: list[tuple[str, str]] = field(default_factory=list)
    is_library: bool = False


@dataclass
class ExceptionInfo:
    type_name: str
    message: str
    frames: list[Frame]
    relation: str  # how it follows from the one shown before it: "", "direct cause", "during handling"


def safe_repr(value: object) -> str:
    """A bounded repr that never raises (a broken ``__repr__`` must not break the error page)."""
    try:
        return _repr.repr(value)
    except Exception as exc:
        return f"<repr failed: {type(exc).__name__}>"


def _frames(tb: TracebackType | None) -> list[Frame]:
    frames = []
    while tb is not None:
        code = tb.tb_frame.f_code
        lineno = tb.tb_lineno
        filename = code.co_filename
        first = max(1, lineno - _CONTEXT_LINES)
        context = [(n, linecache.getline(filename, n).rstrip("\n")) for n in range(first, lineno + _CONTEXT_LINES + 1)]
        local_vars = [(name, safe_repr(cleanse(name, value))) for name, value in sorted(tb.tb_frame.f_locals.items())]
        frames.append(
            Frame(
                filename=filename,
                lineno=lineno,
                function=code.co_qualname,
                context=[(n, line) for n, line in context if line or n <= lineno],
                local_vars=local_vars,
                is_library="site-packages" in filename or "/covet/" in filename.replace("\\", "/"),
            )
        )
        tb = tb.tb_next
    return frames


def exception_chain(exc: BaseException) -> list[ExceptionInfo]:
    """``exc`` and the exceptions it was raised from or during, innermost cause first (like Python prints them)."""
    chain: list[ExceptionInfo] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        info = ExceptionInfo(type(current).__qualname__, safe_str(current), _frames(current.__traceback__), "")
        chain.append(info)
        # the relation is shown before the outer exception, after the one it came from
        if current.__cause__ is not None:
            current, info.relation = current.__cause__, "direct cause"
        elif current.__context__ is not None and not current.__suppress_context__:
            current, info.relation = current.__context__, "during handling"
        else:
            current = None
    chain.reverse()
    return chain


def safe_str(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:
        return "<str() of the exception failed>"
