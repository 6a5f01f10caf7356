"""The jinja2 ``Environment`` built from ``settings.TEMPLATES``: one per process, rebuilt when the settings change.

Autoescaping is on for ``.html``, ``.htm``, ``.xml``, ``.jinja`` and ``.jinja2`` templates (and for templates
built from strings); rendering is asynchronous (``enable_async``), so templates may loop over async iterables and
call coroutines; compiled templates are kept in a bytecode cache so a restart does not recompile them.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import jinja2

from covet.conf import settings
from covet.conf.apps import apps
from covet.conf.importing import import_string
from covet.exceptions import ImproperlyConfigured
from covet.templates.config import TemplateConfig, read_template_config, template_directories
from covet.templates.template_globals import static, url

AUTOESCAPE_EXTENSIONS = ("html", "htm", "xml", "jinja", "jinja2")


class TemplateDoesNotExist(jinja2.TemplateNotFound):
    """No template directory holds the template; the message lists the directories that were searched."""


class ProjectLoader(jinja2.FileSystemLoader):
    """A ``FileSystemLoader`` whose not-found error says where it looked."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        try:
            return super().get_source(environment, template)
        except jinja2.TemplateNotFound:
            searched = "\n".join(f"  {directory}" for directory in self.searchpath) or "  (no template directories)"
            raise TemplateDoesNotExist(
                template,
                f"Template {template!r} not found. Searched, in order:\n{searched}\nCreate it in one of these "
                "directories, or add its directory to TEMPLATES[0]['DIRS'] in your settings.",
            ) from None


def _bytecode_cache(option: bool | Path) -> jinja2.BytecodeCache | None:
    if option is False:
        return None
    if option is True:
        return jinja2.FileSystemBytecodeCache()  # a private per-user directory under the system temp dir
    option.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(option))


def _resolve_callables(mapping: dict[str, Any], option: str) -> dict[str, Any]:
    setting = f"TEMPLATES[0]['OPTIONS']['{option}']"
    return {name: import_string(value, setting=setting) if isinstance(value, str) else value
            for name, value in mapping.items()}  # fmt: skip


def build_environment(config: TemplateConfig) -> jinja2.Environment:
    """A new jinja2 ``Environment`` for ``config`` (prefer ``get_environment()``, which caches it)."""
    loader = ProjectLoader([str(directory) for directory in template_directories(config)])
    try:
        environment = jinja2.Environment(
            loader=loader,
            autoescape=jinja2.select_autoescape(AUTOESCAPE_EXTENSIONS, default_for_string=True),
            enable_async=True,
            auto_reload=config.auto_reload,
            bytecode_cache=_bytecode_cache(config.bytecode_cache),
            **config.environment_options,
        )
    except TypeError as exc:
        raise ImproperlyConfigured(
            f"TEMPLATES[0]['OPTIONS'] has an option jinja2.Environment does not accept: {exc}."
        ) from exc
    environment.globals.update(url=url, static=static)
    environment.globals.update(_resolve_callables(config.globals, "globals"))
    environment.filters.update(_resolve_callables(config.filters, "filters"))
    return environment


class _EnvironmentCache:
    """Holds the environment with the setting objects it was built from; a changed object means a rebuild."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[Any, ...] = ()
        self._environment: jinja2.Environment | None = None
        self._processors: tuple[Any, ...] = ()

    @staticmethod
    def _current_key() -> tuple[Any, ...]:
        return (settings.TEMPLATES, settings.BASE_DIR, bool(settings.DEBUG), apps.app_configs)

    def _is_current(self, key: tuple[Any, ...]) -> bool:
        return len(key) == len(self._key) and all(a is b or a == b for a, b in zip(key, self._key, strict=True))

    def get(self) -> tuple[jinja2.Environment, tuple[Any, ...]]:
        key = self._current_key()
        environment = self._environment
        if environment is not None and self._is_current(key):
            return environment, self._processors
        with self._lock:
            config = read_template_config(settings)
            processors = tuple(
                import_string(path, setting="TEMPLATES[0]['OPTIONS']['context_processors']")
                for path in config.context_processors
            )
            self._environment, self._processors, self._key = build_environment(config), processors, key
            return self._environment, processors

    def clear(self) -> None:
        with self._lock:
            self._environment, self._processors, self._key = None, (), ()


_cache = _EnvironmentCache()


def get_environment() -> jinja2.Environment:
    """The project's jinja2 environment (built on first use, rebuilt after TEMPLATES, DEBUG or the apps change)."""
    return _cache.get()[0]


def get_engine() -> tuple[jinja2.Environment, tuple[Any, ...]]:
    """The environment and the context processor functions named in ``TEMPLATES[0]['OPTIONS']``, together."""
    return _cache.get()


def reset_environment() -> None:
    """Forget the cached environment (after changing settings in place, e.g. appending to DIRS)."""
    _cache.clear()
