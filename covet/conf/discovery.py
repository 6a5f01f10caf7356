"""Finding the project: the settings module named by ``COVET_SETTINGS_MODULE`` or by pyproject.toml.

``[tool.covet] settings = "mysite.settings"`` in the nearest pyproject.toml (searched upward from the
current directory) names the settings module; that file's directory is the project root.
"""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from covet.exceptions import ImproperlyConfigured

SETTINGS_ENV_VAR = "COVET_SETTINGS_MODULE"


@dataclass(frozen=True)
class ProjectLocation:
    """Where the settings come from: the dotted settings module and the project root (None if unknown)."""

    settings_module: str
    root: Path | None
    source: str


def find_pyproject(start: Path | None = None) -> Path | None:
    """The nearest pyproject.toml in ``start`` (default: the current directory) or its parents."""
    directory = (start or Path.cwd()).resolve()
    for candidate in (directory, *directory.parents):
        path = candidate / "pyproject.toml"
        if path.is_file():
            return path
    return None


def read_covet_table(pyproject: Path) -> dict[str, object] | None:
    """The ``[tool.covet]`` table of ``pyproject``, or None when it has none."""
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ImproperlyConfigured(f"Could not read {pyproject}: {exc}. Fix the file or remove it.") from exc
    table = data.get("tool", {}).get("covet")
    return table if isinstance(table, dict) else None


def find_project(start: Path | None = None, environ: dict[str, str] | None = None) -> ProjectLocation | None:
    """Locate the settings: ``COVET_SETTINGS_MODULE`` first, else the nearest pyproject.toml's ``[tool.covet]``."""
    env = os.environ if environ is None else environ
    named = env.get(SETTINGS_ENV_VAR, "").strip()
    pyproject = find_pyproject(start)
    table = read_covet_table(pyproject) if pyproject is not None else None
    root = pyproject.parent if pyproject is not None and table is not None else None
    if named:
        return ProjectLocation(named, root, f"the {SETTINGS_ENV_VAR} environment variable")
    if pyproject is None or table is None:
        return None
    module = table.get("settings")
    if not isinstance(module, str) or not module.strip():
        raise ImproperlyConfigured(
            f'{pyproject} has a [tool.covet] table but no settings module: add settings = "yourproject.settings".'
        )
    return ProjectLocation(module.strip(), pyproject.parent, f"[tool.covet] in {pyproject}")


def describe_missing_project(start: Path | None = None) -> str:
    """One line saying that no project was found here and how to get one."""
    where = (start or Path.cwd()).resolve()
    return (
        f"No Covet project found in {where} or its parents (no {SETTINGS_ENV_VAR} and no pyproject.toml with "
        f"[tool.covet]). Run this inside a project, or create one with `covet new NAME`."
    )


def add_to_sys_path(root: Path) -> None:
    """Make the project's top-level packages importable (its apps and settings package)."""
    entry = str(root)
    if entry not in sys.path:
        sys.path.insert(0, entry)
