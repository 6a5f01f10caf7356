"""``LazySettings``: the project's settings (``covet.conf.settings``), loaded on first access.

Loading merges three layers: ``covet.conf.global_settings``, the project's settings module, then
the environment overrides of ``covet.conf.environ``. ``configure()`` replaces the module with
explicit values (tests, scripts) and ``override()`` changes values temporarily.
"""

from __future__ import annotations

import copy
import importlib
import os
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from covet.conf import global_settings
from covet.conf.discovery import add_to_sys_path, describe_missing_project, find_project
from covet.conf.environ import apply_env_overrides
from covet.conf.importing import is_missing_module
from covet.conf.override import override
from covet.conf.paths import resolve_sqlite_urls
from covet.exceptions import ImproperlyConfigured


def _setting_names(module: ModuleType) -> Iterator[str]:
    return (name for name in dir(module) if name.isupper() and not name.startswith("_"))


def _defaults() -> dict[str, Any]:
    return {name: copy.deepcopy(getattr(global_settings, name)) for name in _setting_names(global_settings)}


class Settings:
    """A loaded set of settings: plain attributes, plus where they came from."""

    def __init__(
        self,
        values: Mapping[str, Any],
        *,
        module: str | None,
        root: Path | None,
        explicit: frozenset[str],
        env_overrides: tuple[str, ...] = (),
    ) -> None:
        for name, value in values.items():
            setattr(self, name, value)
        self.SETTINGS_MODULE = module
        #: The project root (where pyproject.toml is), or None when settings were configured in code.
        self._root = root
        #: Names the settings module (or configure()) set explicitly, as opposed to the defaults.
        self._explicit = explicit
        #: Environment variables that overrode a value.
        self._env_overrides = env_overrides

    def is_overridden(self, name: str) -> bool:
        """Whether ``name`` was set by the project (module, configure() or environment) rather than defaulted."""
        return name in self._explicit or name in self._env_overrides

    def __repr__(self) -> str:
        return f"<Settings {self.SETTINGS_MODULE or 'configured in code'}>"


def load_settings_module(dotted: str, source: str) -> ModuleType:
    """Import the settings module, turning an import failure into an error that says what to fix."""
    try:
        return importlib.import_module(dotted)
    except ModuleNotFoundError as exc:
        if is_missing_module(exc, dotted):
            raise ImproperlyConfigured(
                f"The settings module {dotted!r} (named by {source}) cannot be imported: {exc}. "
                f"Check the name, and run from the project directory so that its package is importable."
            ) from exc
        raise


def build_settings(
    module_values: Mapping[str, Any],
    *,
    module: str | None,
    root: Path | None,
    environ: Mapping[str, str] | None,
) -> Settings:
    """Merge defaults, ``module_values`` and (unless ``environ`` is None) environment overrides."""
    values = _defaults()
    values.update(module_values)
    env_used: list[str] = apply_env_overrides(values, environ) if environ is not None else []
    if values.get("BASE_DIR") is None:
        values["BASE_DIR"] = root if root is not None else Path.cwd()
    values["BASE_DIR"] = Path(values["BASE_DIR"])
    values["DATABASES"] = resolve_sqlite_urls(values.get("DATABASES") or {}, values["BASE_DIR"])
    return Settings(values, module=module, root=root, explicit=frozenset(module_values), env_overrides=tuple(env_used))


class LazySettings:
    """The project's settings; loaded from the settings module the first time a value is read."""

    _wrapped: Settings | None
    _lock: threading.RLock
    _loading: bool

    def __init__(self) -> None:
        object.__setattr__(self, "_wrapped", None)
        object.__setattr__(self, "_lock", threading.RLock())
        object.__setattr__(self, "_loading", False)

    def _setup(self) -> Settings:
        with self._lock:  # threads reading a first setting at once load the module once
            if self._wrapped is not None:
                return self._wrapped
            if self._loading:  # the same thread, from inside the settings module
                raise ImproperlyConfigured(
                    "The settings module read covet.conf.settings while it was being loaded. A settings module "
                    "defines values; it must not read them through covet.conf.settings."
                )
            object.__setattr__(self, "_loading", True)
            try:
                return self._load()
            finally:
                object.__setattr__(self, "_loading", False)

    def _load(self) -> Settings:
        location = find_project()
        if location is None:
            raise ImproperlyConfigured(
                describe_missing_project()
                + " In tests or scripts without a project, call covet.conf.settings.configure(...) first."
            )
        if location.root is not None:
            add_to_sys_path(location.root)
        module = load_settings_module(location.settings_module, location.source)
        module_values = {name: getattr(module, name) for name in _setting_names(module)}
        wrapped = build_settings(module_values, module=location.settings_module, root=location.root, environ=os.environ)
        object.__setattr__(self, "_wrapped", wrapped)
        return wrapped

    def _settings(self) -> Settings:
        wrapped = self._wrapped
        return wrapped if wrapped is not None else self._setup()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._settings(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "_wrapped":
            object.__setattr__(self, name, value)
        else:
            setattr(self._settings(), name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self._settings(), name)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(_setting_names_of(self._settings())))

    def __repr__(self) -> str:
        if self._wrapped is None:
            return "<LazySettings [not loaded]>"
        return f"<LazySettings {self._wrapped.SETTINGS_MODULE or 'configured in code'}>"

    @property
    def is_configured(self) -> bool:
        """Whether settings have been loaded or configured already."""
        return self._wrapped is not None

    def configure(self, **values: Any) -> None:
        """Use the global defaults plus ``values`` instead of a settings module (tests, scripts).

        Environment overrides are not applied: explicit values are what you get.
        """
        if self._wrapped is not None:
            raise ImproperlyConfigured(
                f"Settings are already configured ({self._wrapped!r}); configure() can only be called before "
                "they are first used. Check settings.is_configured first, or change values temporarily with "
                "settings.override(NAME=value)."
            )
        for name in values:
            if not name.isupper():
                raise ImproperlyConfigured(f"Setting names are upper case: {name!r} is not a valid setting name.")
        object.__setattr__(self, "_wrapped", build_settings(values, module=None, root=None, environ=None))

    def override(self, **values: Any) -> override:
        """A context manager (sync or async) or decorator that sets ``values`` and restores them afterwards."""
        return override(self, **values)


def _setting_names_of(wrapped: Settings) -> Iterator[str]:
    return (name for name in vars(wrapped) if name.isupper())
