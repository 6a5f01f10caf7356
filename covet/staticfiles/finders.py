"""``StaticFinder``: where static files come from, in order: ``STATICFILES_DIRS`` (by default the project's
``static/`` directory), then each installed app's ``static/`` directory. The first directory holding a path
wins, so a project overrides an app's file by putting one at the same path."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from covet.exceptions import ImproperlyConfigured
from covet.staticfiles.paths import safe_join


def is_ignored(name: str) -> bool:
    """Hidden files and editor backups are not static files (``.gitkeep``, ``.DS_Store``, ``site.css~``)."""
    return name.startswith(".") or name.endswith("~")


class StaticFinder:
    def __init__(self, directories: Sequence[Path]) -> None:
        self.directories = [Path(directory) for directory in directories]

    @classmethod
    def from_settings(cls, settings: Any = None) -> StaticFinder:
        if settings is None:
            from covet.conf import settings as project_settings

            settings = project_settings
        return cls(static_directories(settings))

    def find(self, path: str) -> Path | None:
        """The file serving ``path`` (the first directory that has it), or None (also for unsafe and hidden paths)."""
        if any(is_ignored(part) for part in path.split("/")):
            return None
        for directory in self.directories:
            candidate = safe_join(directory, path)
            if candidate is not None and candidate.is_file():
                return candidate
        return None

    def list_files(self) -> Iterator[tuple[str, Path]]:
        """Every static file as (relative path with ``/``, absolute path); shadowed duplicates left out."""
        seen: set[str] = set()
        for directory in self.directories:
            if not directory.is_dir():
                continue
            for file in sorted(directory.rglob("*")):
                relative = file.relative_to(directory)
                if any(is_ignored(part) for part in relative.parts) or not file.is_file():
                    continue
                name = relative.as_posix()
                if name not in seen:
                    seen.add(name)
                    yield name, file


def static_directories(settings: Any) -> list[Path]:
    """``STATICFILES_DIRS`` (default: ``BASE_DIR / "static"``) then the apps' ``static/`` directories."""
    base_dir = Path(getattr(settings, "BASE_DIR", None) or Path.cwd())
    configured = list(getattr(settings, "STATICFILES_DIRS", None) or [])
    if isinstance(getattr(settings, "STATICFILES_DIRS", None), str | Path):
        raise ImproperlyConfigured("STATICFILES_DIRS must be a list of directories, not a single path.")
    directories = [base_dir / Path(entry) for entry in configured] if configured else [base_dir / "static"]
    static_root = getattr(settings, "STATIC_ROOT", None)
    if static_root:
        root = (base_dir / Path(static_root)).resolve()
        if any(directory.resolve() == root for directory in directories):
            raise ImproperlyConfigured(
                f"STATIC_ROOT ({root}) is also listed in STATICFILES_DIRS: collectstatic would copy the directory into "
                "itself. STATIC_ROOT is the output of collectstatic; keep your sources in another directory."
            )
    from covet.conf.apps import apps

    if apps.apps_ready:
        for config in apps.get_app_configs():
            if config.path is not None:
                directories.append(config.path / "static")
    return directories
