"""Rendering a directory tree of templates into a new project or app, atomically.

Files ending in ``.jinja`` are rendered with jinja2 (and lose the suffix); every other file is copied
byte for byte, so the generated project's own jinja2 templates keep their ``{{ }}``. Path components
named ``project_name`` or ``app_name`` are renamed. The tree is written to a temporary sibling
directory and moved into place at the end: a failure leaves nothing behind.
"""

from __future__ import annotations

import importlib.util
import keyword
import shutil
import tempfile
from collections.abc import Mapping
from importlib.machinery import ModuleSpec
from pathlib import Path
from typing import Any

import jinja2

from covet.cli.errors import CommandError

TEMPLATE_SUFFIX = ".jinja"
SKIPPED = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}


def project_template_dir(package_dir: Path | None = None) -> Path:
    """The project template: inside the installed package (wheel), else at the root of a source checkout."""
    package_dir = package_dir or Path(__file__).resolve().parent.parent
    for candidate in (package_dir / "project_template", package_dir.parent / "project_template"):
        if candidate.is_dir():
            return candidate
    raise CommandError(f"The project template is missing from this Covet installation (looked in {package_dir}).")


def app_template_dir() -> Path:
    return Path(__file__).resolve().parent / "app_template"


def validate_new_package(name: str, kind: str, target: Path, reserved: frozenset[str] = frozenset()) -> None:
    """Refuse a package name that is not an identifier, is a keyword or reserved, would overwrite a
    non-empty directory, or would shadow a module that is already importable."""
    if not name.isidentifier() or keyword.iskeyword(name):
        suggestion = "".join(char if char.isalnum() else "_" for char in name).strip("_") or "my" + kind
        if suggestion[:1].isdigit():
            suggestion = f"{kind}_{suggestion}"
        raise CommandError(
            f"{name!r} is not a valid {kind} name: use a Python identifier (letters, digits and underscores, "
            f"not starting with a digit), e.g. {suggestion!r}."
        )
    if name in reserved:
        raise CommandError(f"{name!r} is reserved inside a Covet project; choose another {kind} name.")
    ensure_free_target(target)
    importlib.invalidate_caches()
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or _is_target_itself(spec, target):
        return
    origin = spec.origin or ", ".join(spec.submodule_search_locations or [])
    raise CommandError(
        f"{name!r} would clash with the existing Python module {name!r} ({origin}); choose another {kind} name."
    )


def _is_target_itself(spec: ModuleSpec, target: Path) -> bool:
    """Whether ``spec`` is just the (empty) target directory, seen as a namespace package from the cwd."""
    locations = list(spec.submodule_search_locations or [])
    return spec.origin is None and bool(locations) and all(Path(loc).resolve() == target for loc in locations)


def ensure_free_target(target: Path) -> None:
    """Refuse to write into anything but a missing or empty directory."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise CommandError(f"{target} already exists and is not empty; refusing to overwrite it. Choose another place.")


def _output_path(relative: Path, renames: Mapping[str, str]) -> Path:
    parts = [renames.get(part, part) for part in relative.parts]
    if parts[-1].endswith(TEMPLATE_SUFFIX):
        parts[-1] = parts[-1][: -len(TEMPLATE_SUFFIX)]
    return Path(*parts)


def render_tree(source: Path, target: Path, context: Mapping[str, Any], renames: Mapping[str, str]) -> list[Path]:
    """Render ``source`` into the (missing or empty) directory ``target``; return the files written."""
    ensure_free_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(source)),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # renders Python and TOML source, not HTML
    )
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    written = []
    try:
        for path in sorted(source.rglob("*")):
            relative = path.relative_to(source)
            if SKIPPED.intersection(relative.parts) or path.suffix == ".pyc" or path.is_dir():
                continue
            destination = staging / _output_path(relative, renames)
            destination.parent.mkdir(parents=True, exist_ok=True)
            if path.name.endswith(TEMPLATE_SUFFIX):
                text = environment.get_template(relative.as_posix()).render(**context)
                destination.write_text(text, encoding="utf-8")
            else:
                shutil.copyfile(path, destination)
            written.append(target / destination.relative_to(staging))
        if target.exists():
            target.rmdir()  # empty, checked above
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return written
