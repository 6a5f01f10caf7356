"""Path converters: turn one URL segment into a Python value and back, plus the registry of converter names.

A template parameter ``{id:int}`` names the converter ``int``; ``{slug}`` without a name uses ``str``.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from covet.exceptions import ImproperlyConfigured


class Converter:
    """Base class of path converters.

    Subclasses either set ``regex`` (the segment must match it entirely) or override :meth:`convert`.
    ``convert`` raises ``ValueError`` when the segment does not belong to this converter. A converter with
    ``matches_rest = True`` (like ``path``) consumes every remaining segment, slashes included, and may only be
    used as the last part of a template.
    """

    name: str = ""
    regex: str | None = None
    matches_rest: bool = False

    def __init__(self) -> None:
        self._compiled = re.compile(self.regex) if self.regex is not None else None

    def convert(self, value: str) -> Any:
        """The Python value of the percent-decoded segment ``value``; ``ValueError`` if it does not fit."""
        if self._compiled is not None and self._compiled.fullmatch(value) is None:
            raise ValueError(f"{value!r} does not match the {self.name!r} converter pattern {self.regex!r}")
        return value

    def to_url(self, value: Any) -> str:
        """Return the segment text for ``value`` (before percent-encoding)."""
        return str(value)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


class StringConverter(Converter):
    """Any non-empty segment (the default when a parameter names no converter)."""

    name = "str"

    def convert(self, value: str) -> str:
        if not value:
            raise ValueError("an empty segment does not match 'str'")
        return value


class SlugConverter(Converter):
    """ASCII letters, digits, hyphens and underscores."""

    name = "slug"
    regex = r"[-a-zA-Z0-9_]+"


class IntConverter(Converter):
    """A non-negative decimal integer, converted to ``int``."""

    name = "int"

    def convert(self, value: str) -> int:
        if not (value.isascii() and value.isdigit()):
            raise ValueError(f"{value!r} is not a non-negative integer")
        return int(value)

    def to_url(self, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError(f"{value!r} is not an integer")
        return str(int(value))


class UUIDConverter(Converter):
    """A UUID in its canonical hyphenated form, converted to ``uuid.UUID``."""

    name = "uuid"
    regex = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

    def convert(self, value: str) -> uuid.UUID:
        super().convert(value)
        return uuid.UUID(value)

    def to_url(self, value: Any) -> str:
        return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


class PathConverter(Converter):
    """The rest of the path, slashes included (non-empty); only allowed as the last template part."""

    name = "path"
    matches_rest = True

    def convert(self, value: str) -> str:
        if not value:
            raise ValueError("an empty remainder does not match 'path'")
        return value


DEFAULT_CONVERTER = "str"

_registry: dict[str, Converter] = {}


def register_converter(
    converter: Converter | type[Converter], name: str | None = None, *, replace: bool = False
) -> None:
    """Make ``converter`` available to templates as ``{param:name}``.

    ``name`` defaults to the converter's ``name`` attribute. Registering a taken name raises
    ``ImproperlyConfigured`` unless ``replace=True``.
    """
    instance = converter() if isinstance(converter, type) else converter
    if not isinstance(instance, Converter):
        raise ImproperlyConfigured(
            f"register_converter() expects a covet.routing.Converter subclass or instance, got {converter!r}."
        )
    key = name or instance.name
    if not key or not key.isidentifier():
        raise ImproperlyConfigured(f"Converter name {key!r} must be a Python identifier; set `name` on {converter!r}.")
    if key in _registry and not replace:
        raise ImproperlyConfigured(
            f"A path converter named {key!r} is already registered ({_registry[key]!r}); "
            "pick another name or pass replace=True."
        )
    _registry[key] = instance


def get_converter(name: str) -> Converter:
    """Return the registered converter called ``name``; unknown names raise ``ImproperlyConfigured``."""
    try:
        return _registry[name]
    except KeyError:
        known = ", ".join(sorted(_registry))
        raise ImproperlyConfigured(
            f"Unknown path converter {name!r}. Known converters: {known}. "
            "Register your own with covet.routing.register_converter()."
        ) from None


for _builtin in (StringConverter, SlugConverter, IntConverter, UUIDConverter, PathConverter):
    register_converter(_builtin)
