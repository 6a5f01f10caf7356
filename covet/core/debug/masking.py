"""Hide secrets on the DEBUG pages: settings, headers, query parameters and local variables whose names look
sensitive, entries with such names inside dicts, and the passwords of URLs."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

MASK = "********************"

_SENSITIVE_NAME = re.compile(r"API|TOKEN|KEY|SECRET|PASS|SIGNATURE|CREDENTIAL|AUTH|COOKIE|SESSION", re.IGNORECASE)


def is_sensitive(name: str) -> bool:
    return bool(_SENSITIVE_NAME.search(name))


def _mask_url_password(text: str) -> str:
    try:
        parts = urlsplit(text)
    except ValueError:
        return text
    if parts.password is None:
        return text
    netloc = parts.netloc.replace(f":{parts.password}@", f":{MASK}@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def cleanse(name: str, value: Any) -> Any:
    """``value`` with sensitive entries masked, recursing into dicts, lists and URLs with passwords."""
    if is_sensitive(name):
        return MASK
    if isinstance(value, Mapping):
        return {key: cleanse(str(key), item) for key, item in value.items()}
    if type(value) in (list, tuple):  # exactly: a namedtuple cannot be rebuilt from one iterable
        return type(value)(cleanse(name, item) for item in value)
    if isinstance(value, str) and "://" in value:
        return _mask_url_password(value)
    return value


def settings_summary(settings: Any) -> list[tuple[str, str]]:
    """(name, masked repr) of every upper-case setting, or an empty list when settings are not configured."""
    from covet.core.debug.frames import safe_repr

    if not getattr(settings, "is_configured", False):
        return []
    return [(name, safe_repr(cleanse(name, getattr(settings, name)))) for name in dir(settings) if name.isupper()]


def masked_pairs(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """``(name, value)`` pairs (headers, query parameters) with the values of sensitive names masked."""
    return [(name, MASK if is_sensitive(name) else value) for name, value in pairs]
