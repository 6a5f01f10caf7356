"""Build a URL path from a route and its parameters (the inverse of matching)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from difflib import get_close_matches
from typing import Any
from urllib.parse import quote

from covet.routing.errors import NoReverseMatch
from covet.routing.route import Route
from covet.routing.template import Parameter

# RFC 3986 pchar minus '%' (always encoded) and minus '/' inside a segment.
_SEGMENT_SAFE = "-._~!$&'()*+,;=:@"


def build_path(route: Route, params: Mapping[str, Any]) -> str:
    """Fill ``route``'s template with ``params`` (each validated by its converter) and percent-encode the result."""
    expected = route.template.param_names
    missing = [name for name in expected if name not in params]
    unexpected = [name for name in params if name not in expected]
    if missing or unexpected:
        problems = []
        if missing:
            problems.append(f"missing {', '.join(missing)}")
        if unexpected:
            problems.append(f"unexpected {', '.join(unexpected)}")
        raise NoReverseMatch(
            f"Cannot reverse {route.name!r} ({route.path}): {'; '.join(problems)}. "
            f"It takes exactly: {', '.join(expected) or 'no parameters'}."
        )
    parts = []
    for segment in route.template.segments:
        if isinstance(segment, str):
            parts.append(quote(segment, safe=_SEGMENT_SAFE))
            continue
        parts.append(_encode_param(route, segment, params[segment.name]))
    return "/" + "/".join(parts)


def _encode_param(route: Route, param: Parameter, value: Any) -> str:
    converter = param.converter
    try:
        text = converter.to_url(value)
        converter.convert(text)
    except (ValueError, TypeError) as exc:
        raise NoReverseMatch(
            f"Cannot reverse {route.name!r} ({route.path}): {param.name}={value!r} does not fit the "
            f"{converter.name!r} converter ({exc})."
        ) from None
    safe = _SEGMENT_SAFE + "/" if converter.matches_rest else _SEGMENT_SAFE
    return quote(text, safe=safe)


def unknown_name_error(name: str, known: Iterable[str]) -> NoReverseMatch:
    """The error for a name no route has, suggesting close names and listing the available ones."""
    names = sorted(known)
    close = get_close_matches(name, names, n=3)
    hint = f" Did you mean {', '.join(repr(n) for n in close)}?" if close else ""
    listing = ", ".join(names) if names else "(no named routes)"
    return NoReverseMatch(f"No route named {name!r}.{hint} Available names: {listing}.")
