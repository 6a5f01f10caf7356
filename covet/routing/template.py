"""Path templates: parse ``/users/{id:int}/files/{rest:path}`` into literal and parameter segments.

A segment is either entirely literal or entirely one parameter; ``{name:converter}`` picks a converter,
``{name}`` uses ``str``. Malformed templates raise ``ImproperlyConfigured`` when the route is registered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from covet.exceptions import ImproperlyConfigured
from covet.routing.converters import DEFAULT_CONVERTER, Converter, get_converter

_PARAM = re.compile(r"\{(?P<name>[^{}:]*)(?::(?P<converter>[^{}]*))?\}")


@dataclass(frozen=True, slots=True)
class Parameter:
    """A ``{name:converter}`` segment."""

    name: str
    converter: Converter


Segment = str | Parameter
"""A literal segment (percent-decoded text) or a parameter."""


@dataclass(frozen=True, slots=True)
class PathTemplate:
    """A parsed route path."""

    source: str
    segments: tuple[Segment, ...]
    param_names: tuple[str, ...]  # in path order: the keyword arguments the view receives

    @property
    def is_static(self) -> bool:
        """True when the template has no parameter, so one exact path matches it."""
        return not self.param_names

    def with_prefix(self, prefix: str) -> PathTemplate:
        """The template mounted under ``prefix`` (``"/blog"`` + ``"/"`` gives ``"/blog/"``)."""
        prefix = normalize_prefix(prefix)
        return parse_template(prefix + self.source) if prefix else self


def normalize_prefix(prefix: str) -> str:
    """``""`` and ``"/"`` mean no prefix; otherwise the prefix must start with ``/`` and loses a trailing ``/``."""
    if prefix in ("", "/"):
        return ""
    if not prefix.startswith("/"):
        raise ImproperlyConfigured(f"Include prefix {prefix!r} must start with '/', e.g. '/{prefix}'.")
    return prefix.rstrip("/")


def parse_template(source: str) -> PathTemplate:
    """Parse ``source``; raise ``ImproperlyConfigured`` naming the problem and the template."""
    if not isinstance(source, str) or not source.startswith("/"):
        raise ImproperlyConfigured(f"Route path {source!r} must be a string starting with '/'.")
    if "?" in source or "#" in source:
        raise ImproperlyConfigured(f"Route path {source!r} must not contain a query string or fragment.")
    raw_segments = source[1:].split("/")
    segments: list[Segment] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_segments):
        segment = _parse_segment(source, raw)
        if isinstance(segment, Parameter):
            if segment.name in seen:
                raise ImproperlyConfigured(f"Route path {source!r} uses the parameter name {segment.name!r} twice.")
            seen.add(segment.name)
            if segment.converter.matches_rest and index != len(raw_segments) - 1:
                raise ImproperlyConfigured(
                    f"Route path {source!r}: the {segment.converter.name!r} converter of {{{segment.name}}} "
                    "matches the rest of the path, so it must be the last segment."
                )
        segments.append(segment)
    names = tuple(segment.name for segment in segments if isinstance(segment, Parameter))
    return PathTemplate(source=source, segments=tuple(segments), param_names=names)


def _parse_segment(source: str, raw: str) -> Segment:
    if "{" not in raw and "}" not in raw:
        return unquote(raw)
    match = _PARAM.fullmatch(raw)
    if match is None:
        raise ImproperlyConfigured(
            f"Route path {source!r}: segment {raw!r} is malformed. A parameter must fill a whole segment, "
            "written {name} or {name:converter}, e.g. '/posts/{id:int}'."
        )
    name = match["name"]
    if not name.isidentifier():
        raise ImproperlyConfigured(
            f"Route path {source!r}: parameter name {name!r} must be a Python identifier (it becomes a view argument)."
        )
    converter_name = match["converter"]
    if converter_name is None:
        converter_name = DEFAULT_CONVERTER
    try:
        converter = get_converter(converter_name)
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured(f"Route path {source!r}: {exc}") from None
    return Parameter(name=name, converter=converter)
