"""``collect_static()``: copy every static file into ``STATIC_ROOT`` under its name and a content-hashed name.

For each file, ``name.ext`` and ``name.<hash12>.ext`` are written (the hash is of the final content), CSS
references are rewritten to hashed names (CSS files referenced by other CSS first, so the hashes chain),
gzip/brotli variants are added where smaller, and the manifest (``staticfiles.json``) maps every name to its
hashed name. Hashed files never change, so they can be cached forever.
"""

from __future__ import annotations

import hashlib
import posixpath
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from covet.exceptions import ImproperlyConfigured
from covet.staticfiles.compression import write_compressed
from covet.staticfiles.css import css_references, rewrite_css
from covet.staticfiles.finders import StaticFinder
from covet.staticfiles.manifest import write_manifest

HASH_LENGTH = 12

Progress = Callable[[str], None]


@dataclass
class CollectResult:
    static_root: Path
    #: Original name -> hashed name, as written to the manifest.
    paths: dict[str, str] = field(default_factory=dict)
    compressed: list[Path] = field(default_factory=list)
    #: (CSS file, referenced static name) pairs whose target does not exist; the reference was left as is.
    missing_references: list[tuple[str, str]] = field(default_factory=list)
    manifest: Path | None = None


def hashed_name(name: str, content: bytes) -> str:
    """``css/site.css`` -> ``css/site.<first 12 hex digits of the SHA-256 of content>.css``."""
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    directory, base = posixpath.split(name)
    stem, dot, suffix = base.rpartition(".")
    hashed = f"{stem}.{digest}.{suffix}" if dot and stem else f"{base}.{digest}"
    return posixpath.join(directory, hashed) if directory else hashed


def _css_order(css_files: dict[str, Path], static_prefix: str) -> list[str]:
    """CSS names ordered so that a file comes after the CSS files it references (cycles broken arbitrarily)."""
    references = {
        name: css_references(path.read_text(encoding="utf-8", errors="surrogateescape"), name, static_prefix)
        & css_files.keys()
        for name, path in css_files.items()
    }
    ordered: list[str] = []
    placed: set[str] = set()
    while len(ordered) < len(css_files):
        ready = [name for name in sorted(css_files) if name not in placed and references[name] <= placed | {name}]
        if not ready:  # a cycle: take the first remaining file; its references to the cycle stay unhashed
            ready = [next(name for name in sorted(css_files) if name not in placed)]
        for name in ready:
            ordered.append(name)
            placed.add(name)
    return ordered


def _clear(static_root: Path, sources: list[Path]) -> None:
    for source in sources:
        resolved = source.resolve()
        if resolved == static_root or static_root in resolved.parents:
            raise ImproperlyConfigured(
                f"Refusing to clear STATIC_ROOT ({static_root}): the static source directory {source} is inside it."
            )
    for child in static_root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def collect_static(
    static_root: Path,
    finder: StaticFinder,
    *,
    static_prefix: str = "/static/",
    clear: bool = False,
    compress: bool = True,
    progress: Progress | None = None,
) -> CollectResult:
    """Collect every file ``finder`` lists into ``static_root``; ``progress(name)`` is called once per file."""
    static_root = static_root.resolve()
    static_root.mkdir(parents=True, exist_ok=True)
    if clear:
        _clear(static_root, finder.directories)
    files = dict(finder.list_files())
    result = CollectResult(static_root)
    css_files = {name: path for name, path in files.items() if name.lower().endswith(".css")}
    order = [name for name in sorted(files) if name not in css_files] + _css_order(css_files, static_prefix)

    for name in order:
        content = files[name].read_bytes()
        if name in css_files:
            rewritten = rewrite_css(
                content.decode("utf-8", errors="surrogateescape"), name, result.paths.get, static_prefix
            )
            content = rewritten.text.encode("utf-8", errors="surrogateescape")
            result.missing_references.extend((name, missing) for missing in rewritten.missing)
        hashed = hashed_name(name, content)
        result.paths[name] = hashed
        for target_name in (name, hashed):
            target = static_root / target_name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            if compress:
                result.compressed.extend(write_compressed(target, content))
        if progress is not None:
            progress(name)
    result.manifest = write_manifest(static_root, result.paths)
    return result
