"""The manifest ``collectstatic`` writes to ``STATIC_ROOT/staticfiles.json``: original path -> hashed path.

``{"version": 1, "paths": {"css/site.css": "css/site.3f2a9c1b0d4e.css", ...}}``. It is read once per process
(collectstatic resets the cache when it writes a new one in-process); production servers (and the accel server)
read it to map names and to know which files are immutable.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

MANIFEST_NAME = "staticfiles.json"
MANIFEST_VERSION = 1

_lock = threading.Lock()
_cache: dict[Path, dict[str, str] | None] = {}


def manifest_path(static_root: Path) -> Path:
    return static_root / MANIFEST_NAME


def read_manifest(static_root: Path) -> dict[str, str] | None:
    """The paths of the manifest in ``static_root`` (cached), or None when there is none or it is unreadable."""
    key = static_root.resolve()
    with _lock:
        if key in _cache:
            return _cache[key]
    paths = _load(manifest_path(key))
    with _lock:
        _cache[key] = paths
    return paths


def _load(path: Path) -> dict[str, str] | None:
    try:
        document: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    paths = document.get("paths") if isinstance(document, dict) else None
    if not isinstance(paths, dict):
        return None
    return {str(name): str(hashed) for name, hashed in paths.items()}


def write_manifest(static_root: Path, paths: dict[str, str]) -> Path:
    """Write the manifest atomically (a reader never sees half a file) and drop the cached copy."""
    target = manifest_path(static_root)
    document = {"version": MANIFEST_VERSION, "paths": dict(sorted(paths.items()))}
    fd, temporary = tempfile.mkstemp(dir=static_root, prefix=".staticfiles-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=1)
    os.replace(temporary, target)
    reset_manifest_cache()
    return target


def reset_manifest_cache() -> None:
    with _lock:
        _cache.clear()
