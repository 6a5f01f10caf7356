"""Path resolution for settings: relative SQLite database files live in BASE_DIR, not in the cwd."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

_IN_MEMORY = {"", ":memory:"}


def resolve_sqlite_url(url: str, base_dir: Path) -> str:
    """Make the file path of a ``sqlite...:///relative.db`` URL absolute under ``base_dir``.

    Absolute paths (``sqlite:////abs/db``), in-memory databases and non-SQLite URLs are returned unchanged.
    """
    scheme, sep, rest = url.partition(":///")
    if not sep or scheme.split("+", 1)[0] != "sqlite":
        return url
    path, query_sep, query = rest.partition("?")
    if path in _IN_MEMORY or path.startswith(("/", "file:")) or Path(path).is_absolute():
        return url
    return f"{scheme}:///{(base_dir / path).as_posix()}{query_sep}{query}"


def resolve_sqlite_urls(databases: Mapping[str, Mapping[str, Any]], base_dir: Path) -> dict[str, dict[str, Any]]:
    """A copy of DATABASES whose relative SQLite URLs point into ``base_dir``."""
    resolved: dict[str, dict[str, Any]] = {}
    for alias, config in databases.items():
        entry = dict(config)
        if isinstance(entry.get("URL"), str):
            entry["URL"] = resolve_sqlite_url(entry["URL"], base_dir)
        resolved[alias] = entry
    return resolved
