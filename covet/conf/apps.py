"""The app registry: ``AppConfig`` per entry of INSTALLED_APPS, models by app, ``ready()`` hooks.

``apps.populate(INSTALLED_APPS)`` runs in three phases, each finished for every app before the next
starts: (1) import each app and build its AppConfig, (2) import each app's ``models`` module so that
models register themselves, (3) call every ``ready()``. Models may thus refer to other apps' models,
and ``ready()`` may use every model.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import threading
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

from covet.conf.importing import is_missing_module
from covet.exceptions import ImproperlyConfigured


def _has_submodule(module: ModuleType, name: str) -> bool:
    if not hasattr(module, "__path__"):
        return False
    return importlib.util.find_spec(f"{module.__name__}.{name}") is not None


class AppConfig:
    """One installed app. Subclass it in ``<app>/apps.py`` to set a label or run code in ``ready()``.

    Class attributes a subclass may set: ``name`` (the app's dotted module path; required when the
    class is named in INSTALLED_APPS directly), ``label`` (unique short name, default: the last
    component of ``name``), ``verbose_name``, and ``default = False`` to stop automatic selection.
    """

    name: str
    label: str
    verbose_name: str
    default: bool = True

    def __init__(self, app_name: str, app_module: ModuleType | None) -> None:
        self.name = app_name
        self.module = app_module
        self.models_module: ModuleType | None = None
        self.apps: Apps | None = None
        if "label" not in type(self).__dict__:
            self.label = app_name.rpartition(".")[2]
        if not self.label.isidentifier():
            raise ImproperlyConfigured(
                f"The app label {self.label!r} of {app_name!r} is not a valid Python identifier; "
                f"set label = '...' on its AppConfig."
            )
        if "verbose_name" not in type(self).__dict__:
            self.verbose_name = self.label.replace("_", " ").title()
        self.path = self._module_path(app_module)

    @staticmethod
    def _module_path(module: ModuleType | None) -> Path | None:
        if module is None:
            return None
        paths = list(getattr(module, "__path__", []))
        if paths:
            return Path(paths[0])
        file = getattr(module, "__file__", None)
        return Path(file).parent if file else None

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.label}>"

    @classmethod
    def create(cls, entry: str) -> AppConfig:
        """Build the AppConfig for one INSTALLED_APPS entry: an app module path or an AppConfig class path."""
        if not isinstance(entry, str) or not entry:
            raise ImproperlyConfigured(f"INSTALLED_APPS entries are dotted module paths (strings), not {entry!r}.")
        try:
            module = importlib.import_module(entry)
        except ModuleNotFoundError as exc:
            if not is_missing_module(exc, entry):
                raise
            return cls._create_from_class_path(entry, exc)
        return cls._config_class_for(module)(entry, module)

    @classmethod
    def _config_class_for(cls, module: ModuleType) -> type[AppConfig]:
        """The AppConfig subclass declared in ``<app>/apps.py``, or AppConfig itself when there is none."""
        if not _has_submodule(module, "apps"):
            return cls
        apps_module = importlib.import_module(f"{module.__name__}.apps")
        candidates = [
            value
            for value in vars(apps_module).values()
            if inspect.isclass(value)
            and issubclass(value, AppConfig)
            and value is not AppConfig
            and value.__module__ == apps_module.__name__
        ]
        defaults = [candidate for candidate in candidates if candidate.__dict__.get("default", True)]
        if len(defaults) > 1:
            explicit = [candidate for candidate in defaults if candidate.__dict__.get("default") is True]
            if len(explicit) == 1:
                return explicit[0]
            names = ", ".join(candidate.__name__ for candidate in defaults)
            raise ImproperlyConfigured(
                f"{apps_module.__name__} declares several AppConfig classes ({names}); mark the one to use "
                f"with default = True, or name it in INSTALLED_APPS ('{apps_module.__name__}.ClassName')."
            )
        return defaults[0] if defaults else cls

    @classmethod
    def _create_from_class_path(cls, entry: str, original: ModuleNotFoundError) -> AppConfig:
        module_path, _, class_name = entry.rpartition(".")
        config_class = None
        if module_path:
            try:
                config_class = getattr(importlib.import_module(module_path), class_name, None)
            except ModuleNotFoundError as exc:
                if not is_missing_module(exc, module_path):
                    raise
        if config_class is None:
            raise ImproperlyConfigured(
                f"INSTALLED_APPS contains {entry!r}, which cannot be imported ({original}). Check the spelling, "
                f"and that the app's package is in the project directory (next to pyproject.toml) or installed."
            ) from original
        if not (inspect.isclass(config_class) and issubclass(config_class, AppConfig)):
            raise ImproperlyConfigured(f"INSTALLED_APPS entry {entry!r} is neither an app module nor an AppConfig.")
        app_name = config_class.__dict__.get("name")
        if not isinstance(app_name, str):
            raise ImproperlyConfigured(f"{entry} must set name = '<dotted path of the app module>'.")
        try:
            app_module = importlib.import_module(app_name)
        except ModuleNotFoundError as exc:
            raise ImproperlyConfigured(
                f"{entry}.name is {app_name!r}, which cannot be imported ({exc}); set it to the app's module path."
            ) from exc
        return config_class(app_name, app_module)

    def import_models(self) -> None:
        """Phase 2: import ``<app>.models`` if the app has one (its models register themselves)."""
        if self.module is not None and _has_submodule(self.module, "models"):
            self.models_module = importlib.import_module(f"{self.name}.models")

    def get_models(self) -> list[Any]:
        """The models registered for this app, in registration order."""
        if self.apps is None:
            return []
        return list(self.apps.all_models.get(self.label, {}).values())

    def ready(self) -> None:
        """Phase 3 hook: runs once per process after every app's models are loaded. Override it."""


class Apps:
    """The registry of installed apps and their models."""

    def __init__(self) -> None:
        self.app_configs: dict[str, AppConfig] = {}
        # Models by app label, then lower-cased model name. Filled by register_model(), which may run
        # before populate() (a models module imported early), so it is independent of app_configs.
        self.all_models: dict[str, dict[str, Any]] = {}
        self.apps_ready = False
        self.models_ready = False
        self.ready = False
        self._lock = threading.RLock()
        self._populating = False

    def populate(self, installed_apps: Iterable[str]) -> None:
        """Load every app in three phases (configs -> models -> ready()). Idempotent; not reentrant."""
        if self.ready:
            return
        with self._lock:
            if self.ready:
                return
            if self._populating:
                raise RuntimeError(
                    "apps.populate() was called again while it was running (probably from an AppConfig.ready() "
                    "or a models module); don't call covet.setup() at import time of an app."
                )
            self._populating = True
            try:
                self._populate(list(installed_apps))
            except BaseException:
                self.app_configs = {}
                self.apps_ready = self.models_ready = False
                raise
            finally:
                self._populating = False

    def _populate(self, installed_apps: list[str]) -> None:
        configs: dict[str, AppConfig] = {}
        for entry in installed_apps:
            config = AppConfig.create(entry)
            if config.label in configs and configs[config.label].name == config.name:
                raise ImproperlyConfigured(f"INSTALLED_APPS lists {config.name!r} twice; remove one of the entries.")
            if config.label in configs:
                raise ImproperlyConfigured(
                    f"Two installed apps have the label {config.label!r}: {configs[config.label].name!r} and "
                    f"{config.name!r}. Labels must be unique; set label = '...' on one of their AppConfig classes."
                )
            config.apps = self
            configs[config.label] = config
        self.app_configs = configs
        self.apps_ready = True
        for config in configs.values():
            config.import_models()
        self.models_ready = True
        for config in configs.values():
            config.ready()
        self.ready = True

    def _require_apps_ready(self) -> None:
        if not self.apps_ready:
            raise ImproperlyConfigured(
                "The app registry isn't loaded yet: call covet.setup() (or apps.populate(settings.INSTALLED_APPS)) "
                "before looking up apps."
            )

    def get_app_configs(self) -> list[AppConfig]:
        """Every installed app's config, in INSTALLED_APPS order."""
        self._require_apps_ready()
        return list(self.app_configs.values())

    def get_app_config(self, label: str) -> AppConfig:
        """The config of the app labelled ``label``; LookupError naming the installed labels otherwise."""
        self._require_apps_ready()
        try:
            return self.app_configs[label]
        except KeyError:
            installed = ", ".join(self.app_configs) or "none"
            hint = ""
            for config in self.app_configs.values():
                if config.name == label:
                    hint = f" (the app {label!r} has the label {config.label!r})"
            raise LookupError(
                f"No installed app with label {label!r}{hint}. Installed app labels: {installed}. "
                f"Add the app to INSTALLED_APPS in your settings if it is missing."
            ) from None

    def is_installed(self, name: str) -> bool:
        """Whether an app with dotted module path ``name`` is in INSTALLED_APPS."""
        self._require_apps_ready()
        return any(config.name == name for config in self.app_configs.values())

    def register_model(self, app_label: str, model: Any) -> None:
        """Record ``model`` under ``app_label``; called by the ORM when a model class is created."""
        models = self.all_models.setdefault(app_label, {})
        key = model.__name__.lower()
        existing = models.get(key)
        if existing is not None and existing is not model:
            same_origin = (existing.__module__, existing.__qualname__) == (model.__module__, model.__qualname__)
            if not same_origin:
                raise ImproperlyConfigured(
                    f"Conflicting {model.__name__!r} models in app {app_label!r}: {existing.__module__}."
                    f"{existing.__qualname__} and {model.__module__}.{model.__qualname__}. Rename one of them."
                )
        models[key] = model

    def get_model(self, app_label: str, model_name: str | None = None) -> Any:
        """A model by ``"app_label.ModelName"`` (or the two parts); the name is case-insensitive."""
        if model_name is None:
            app_label, sep, model_name = app_label.partition(".")
            if not sep or not model_name:
                raise ValueError(f"Models are named 'app_label.ModelName', not {app_label!r}.")
        models = self.all_models.get(app_label)
        if models is None:
            known = ", ".join(sorted(self.all_models)) or "none"
            raise LookupError(f"No models registered for the app label {app_label!r} (apps with models: {known}).")
        try:
            return models[model_name.lower()]
        except KeyError:
            names = ", ".join(model.__name__ for model in models.values())
            raise LookupError(f"App {app_label!r} has no model {model_name!r}; its models are: {names}.") from None

    def get_models(self) -> list[Any]:
        """Every registered model, app by app in registration order."""
        return [model for models in self.all_models.values() for model in models.values()]


apps = Apps()
