"""Precompressed variants for collected files: ``name.gz`` (and ``name.br`` when the ``brotli`` package is
installed), written only when they are smaller, for types worth compressing."""

from __future__ import annotations

import gzip
import mimetypes
from pathlib import Path
from types import ModuleType

try:
    import brotli as _brotli
except ImportError:  # optional: pip install covet[brotli]
    _brotli = None

brotli: ModuleType | None = _brotli

# Below this size the headers cost more than compression saves.
MIN_SIZE = 256

_COMPRESSIBLE_TYPES = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml",
                       "application/wasm", "application/manifest+json", "font/ttf", "font/otf", "image/x-icon",
                       "image/vnd.microsoft.icon")  # fmt: skip
_COMPRESSIBLE_SUFFIXES = frozenset({".js", ".mjs", ".css", ".map", ".json", ".svg", ".txt", ".html", ".xml", ".wasm"})


def is_compressible(name: str) -> bool:
    if Path(name).suffix.lower() in _COMPRESSIBLE_SUFFIXES:
        return True
    media_type = mimetypes.guess_type(name)[0] or ""
    return media_type.startswith(_COMPRESSIBLE_TYPES)


def write_compressed(path: Path, data: bytes) -> list[Path]:
    """Write ``path.gz``/``path.br`` next to ``path`` where they are smaller than ``data``; the files written."""
    if len(data) < MIN_SIZE or not is_compressible(path.name):
        return []
    written = []
    variants = [(".gz", gzip.compress(data, compresslevel=9, mtime=0))]
    if brotli is not None:
        variants.append((".br", brotli.compress(data, quality=11)))
    for suffix, compressed in variants:
        target = path.with_name(path.name + suffix)
        if len(compressed) < len(data):
            target.write_bytes(compressed)
            written.append(target)
        else:
            target.unlink(missing_ok=True)
    return written
