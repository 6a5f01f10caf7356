"""``TemplateConfig``: the first entry of ``settings.TEMPLATES``, checked and with its paths resolved.

Keys of an entry: ``DIRS`` (project template directories, searched first; relative paths are relative to
``BASE_DIR``), ``APP_DIRS`` (also search each installed app's ``templates/`` directory, in INSTALLED_APPS order)
and ``OPTIONS``. Covet reads these ``OPTIONS`` itself:

* ``context_processors``: dotted paths of ``processor(request) -> dict`` functions (sync or async);
* ``bytecode_cache``: ``True`` (default: a per-user directory in the system temp dir), a directory path, or
  ``False`` to compile templates on every start without caching;
* ``auto_reload``: check template files for changes on each load (default: ``settings.DEBUG``);
* ``globals`` and ``filters``: mappings of names to callables (or their dotted paths) added to the environment.

Every other ``OPTIONS`` key is passed to ``jinja2.Environment`` as is (``extensions``, ``trim_blocks``, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from covet.exceptions import ImproperlyConfigured

_OWN_OPTIONS = frozenset({"context_processors", "bytecode_cache", "auto_reload", "globals", "filters"})


@dataclass(frozen=True)
class TemplateConfig:
    dirs: tuple[Path, ...]
    app_dirs: bool
    context_processors: tuple[str, ...]
    bytecode_cache: bool | Path
    auto_reload: bool
    globals: dict[str, Any] = field(default_factory=dict)
    filters: dict[str, Any] = field(default_factory=dict)
    environment_options: dict[str, Any] = field(default_factory=dict)


def read_template_config(settings: Any) -> TemplateConfig:
    """The ``TemplateConfig`` of ``settings.TEMPLATES[0]``; ``ImproperlyConfigured`` saying what is wrong."""
    templates = getattr(settings, "TEMPLATES", None) or [{}]
    if not isinstance(templates, list | tuple) or not isinstance(templates[0], dict):
        raise ImproperlyConfigured(
            "TEMPLATES must be a list of dicts, e.g. [{'DIRS': [BASE_DIR / 'templates'], 'APP_DIRS': True, "
            f"'OPTIONS': {{}}}}], not {templates!r:.200}."
        )
    entry = templates[0]
    unknown = set(entry) - {"DIRS", "APP_DIRS", "OPTIONS", "BACKEND", "NAME"}
    if unknown:
        raise ImproperlyConfigured(
            f"TEMPLATES[0] has unknown keys {sorted(unknown)}; the keys are DIRS, APP_DIRS and OPTIONS."
        )
    base_dir = Path(getattr(settings, "BASE_DIR", None) or Path.cwd())
    dirs = entry.get("DIRS", [])
    if isinstance(dirs, str | Path):
        raise ImproperlyConfigured(f"TEMPLATES[0]['DIRS'] must be a list of directories, not the single {dirs!r}.")
    options = dict(entry.get("OPTIONS") or {})
    processors = options.get("context_processors") or []
    if isinstance(processors, str):
        raise ImproperlyConfigured(
            "TEMPLATES[0]['OPTIONS']['context_processors'] must be a list of dotted paths, not one string."
        )
    cache_option = options.get("bytecode_cache", True)
    bytecode_cache: bool | Path = cache_option if isinstance(cache_option, bool) else base_dir / Path(cache_option)
    return TemplateConfig(
        dirs=tuple(base_dir / Path(directory) for directory in dirs),
        app_dirs=bool(entry.get("APP_DIRS", True)),
        context_processors=tuple(processors),
        bytecode_cache=bytecode_cache,
        auto_reload=bool(options.get("auto_reload", getattr(settings, "DEBUG", False))),
        globals=dict(options.get("globals") or {}),
        filters=dict(options.get("filters") or {}),
        environment_options={key: value for key, value in options.items() if key not in _OWN_OPTIONS},
    )


def template_directories(config: TemplateConfig) -> list[Path]:
    """Where templates are looked up, in order: ``DIRS``, then each installed app's ``templates/`` directory."""
    directories = list(config.dirs)
    if config.app_dirs:
        from covet.conf.apps import apps

        if apps.apps_ready:
            for app_config in apps.get_app_configs():
                if app_config.path is not None and (app_config.path / "templates").is_dir():
                    directories.append(app_config.path / "templates")
    return directories
