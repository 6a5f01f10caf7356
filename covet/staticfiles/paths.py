"""Turn a requested static path into a file path, refusing anything that could leave the static directories.

Refused: NUL bytes, backslashes, absolute paths, empty segments, ``.``/``..`` segments (also percent-encoded
ones that a double-encoding attack leaves in an already decoded path), and anything that resolves (through
symlinks, say) outside its directory.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

_FORBIDDEN_SEGMENTS = frozenset({"", ".", ".."})


def clean_static_path(path: str) -> str | None:
    """``path`` (relative, ``/``-separated) if it is a safe name below a static directory, else None."""
    if not path or "\x00" in path or "\\" in path or path.startswith("/"):
        return None
    if len(path) >= 2 and path[1] == ":" and path[0].isalpha():  # a Windows drive ("C:/...")
        return None
    for segment in path.split("/"):
        decoded = unquote(segment)
        if segment in _FORBIDDEN_SEGMENTS or decoded in _FORBIDDEN_SEGMENTS or any(c in decoded for c in "/\\\x00"):
            return None
    return path


def safe_join(root: Path, path: str) -> Path | None:
    """The file ``path`` names below ``root`` (not checked for existence), or None if ``path`` is unsafe."""
    cleaned = clean_static_path(path)
    if cleaned is None:
        return None
    base = root.resolve()
    candidate = (base / cleaned).resolve()
    return candidate if candidate.is_relative_to(base) and candidate != base else None
