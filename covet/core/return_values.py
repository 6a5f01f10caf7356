"""Turn what a view returns into a ``Response``: a table from the value's type to the response class.

``Response`` as is; ``dict``/``list`` -> ``JSONResponse`` (orjson); ``str`` -> ``HTMLResponse``;
``bytes`` -> ``Response`` (``application/octet-stream``); ``None`` -> ``204 No Content``;
``(body, status)`` or ``(body, status, headers)`` -> the body converted as above, with that status and headers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from covet.http import HTMLResponse, JSONResponse, Response

HeaderMapping = Mapping[str, str] | None  # the optional headers of a (body, status, headers) tuple
_Build = Callable[[Any, int | None, HeaderMapping], Response]


def _json(value: Any, status: int | None, headers: HeaderMapping) -> Response:
    return JSONResponse(value, status or 200, headers)


def _html(value: Any, status: int | None, headers: HeaderMapping) -> Response:
    return HTMLResponse(value, status or 200, headers)


def _binary(value: Any, status: int | None, headers: HeaderMapping) -> Response:
    return Response(bytes(value), status or 200, headers, media_type="application/octet-stream")


def _no_content(value: Any, status: int | None, headers: HeaderMapping) -> Response:
    return Response(None, status or 204, headers)


_BUILDERS: dict[type, _Build] = {
    dict: _json,
    list: _json,
    str: _html,
    bytes: _binary,
    bytearray: _binary,
    memoryview: _binary,
    type(None): _no_content,
}


def _builder_for(value: Any) -> _Build | None:
    builder = _BUILDERS.get(type(value))
    if builder is None:  # subclasses (OrderedDict, a str enum...) take their base's builder
        for base, candidate in _BUILDERS.items():
            if isinstance(value, base):
                return candidate
    return builder


def to_response(value: Any, view: Any = None) -> Response:
    """The ``Response`` for a view's return ``value``; ``TypeError`` naming the view for anything else."""
    builder = _BUILDERS.get(type(value))  # a dict, str... exactly: the common case, one lookup
    if builder is not None:
        return builder(value, None, None)
    if isinstance(value, Response):
        return value
    if isinstance(value, tuple):
        return _from_tuple(value, view)
    builder = _builder_for(value)  # a subclass of a supported type
    if builder is None:
        raise TypeError(_unsupported(value, view))
    return builder(value, None, None)


def _from_tuple(value: tuple[Any, ...], view: Any) -> Response:
    if len(value) not in (2, 3) or not isinstance(value[1], int) or isinstance(value[1], bool):
        raise TypeError(
            f"{_view_name(view)} returned the tuple {value!r:.200}; a tuple must be (body, status) or "
            "(body, status, headers) with an int status."
        )
    body, status = value[0], value[1]
    headers = value[2] if len(value) == 3 else None
    if headers is not None and not isinstance(headers, Mapping):
        raise TypeError(f"{_view_name(view)} returned headers {headers!r:.200}; use a dict of name -> value.")
    builder = _builder_for(body)
    if builder is None or isinstance(body, tuple | Response):
        raise TypeError(_unsupported(body, view, inside_tuple=True))
    return builder(body, status, headers)


def _unsupported(value: Any, view: Any, *, inside_tuple: bool = False) -> str:
    where = "as the body of its tuple " if inside_tuple else ""
    return (
        f"{_view_name(view)} returned {type(value).__name__} {where}which Covet cannot turn into a response. "
        "Return a Response, a dict or list (JSON), a str (HTML), bytes, None (204) or (body, status[, headers])."
    )


def _view_name(view: Any) -> str:
    if view is None:
        return "The view"
    name = getattr(view, "__qualname__", None) or type(view).__qualname__
    module = getattr(view, "__module__", None)
    return f"The view {module}.{name}" if module else f"The view {name}"
