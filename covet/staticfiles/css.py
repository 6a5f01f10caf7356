"""Rewrite the references in a CSS file (``url(...)``, ``@import "..."``) to the hashed names of their targets.

Only the file name of a reference changes (``../img/logo.png`` -> ``../img/logo.1a2b3c4d5e6f.png``), so relative
references stay relative; queries and fragments (``font.eot?#iefix``) are kept. External URLs, ``data:`` URIs
and fragments alone are left alone, as are absolute paths outside ``STATIC_URL``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

_URL = re.compile(r"""url\(\s*(?P<quote>['"]?)(?P<ref>[^'")]*?)(?P=quote)\s*\)""", re.IGNORECASE)
_IMPORT = re.compile(r"""@import\s+(?P<quote>['"])(?P<ref>[^'"]*?)(?P=quote)""", re.IGNORECASE)
_EXTERNAL_PREFIXES = ("data:", "http:", "https:", "//", "#", "about:", "blob:", "mailto:", "javascript:")


@dataclass
class CssRewrite:
    text: str
    #: Static names referenced by the file but not found among the static files (references left unchanged).
    missing: list[str] = field(default_factory=list)


def css_references(text: str, css_name: str, static_prefix: str) -> set[str]:
    """The static names a CSS file refers to (to process referenced CSS files before the files using them)."""
    names = set()
    for pattern in (_URL, _IMPORT):
        for match in pattern.finditer(text):
            target = _target(match.group("ref"), css_name, static_prefix)
            if target is not None:
                names.add(target[0])
    return names


def _target(ref: str, css_name: str, static_prefix: str) -> tuple[str, str, str] | None:
    """(static name, path part of ``ref``, query/fragment suffix) for a reference to a static file, else None."""
    ref = ref.strip()
    if not ref or ref.lower().startswith(_EXTERNAL_PREFIXES):
        return None
    cut = min((index for index in (ref.find("?"), ref.find("#")) if index >= 0), default=len(ref))
    path, suffix = ref[:cut], ref[cut:]
    if not path:
        return None
    if path.startswith("/"):
        if not path.startswith(static_prefix):
            return None
        name = unquote(path[len(static_prefix) :])
    else:
        name = posixpath.normpath(posixpath.join(posixpath.dirname(css_name), unquote(path)))
    if name.startswith("../") or name in (".", ".."):
        return None
    return name, path, suffix


def rewrite_css(text: str, css_name: str, hashed_name: Callable[[str], str | None], static_prefix: str) -> CssRewrite:
    """``text`` with every reference to a known static file pointing at its hashed name."""
    result = CssRewrite(text)

    def replace(match: re.Match[str]) -> str:
        target = _target(match.group("ref"), css_name, static_prefix)
        if target is None:
            return match.group(0)
        name, path, suffix = target
        hashed = hashed_name(name)
        if hashed is None:
            result.missing.append(name)
            return match.group(0)
        new_path = posixpath.join(posixpath.dirname(path), posixpath.basename(hashed))
        start, end = match.span("ref")
        whole = match.group(0)
        offset = match.start()
        return whole[: start - offset] + new_path + suffix + whole[end - offset :]

    for pattern in (_URL, _IMPORT):
        result.text = pattern.sub(replace, result.text)
    return result
