"""``isolated_globals()``: load projects in-process in tests and put every process-wide change back.

Loading a project touches process-wide state: the settings, the app registry, the root router,
``sys.path``, ``sys.modules``, environment variables and the current directory. This context manager
records them and restores them on exit, so one test's project does not leak into the next.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any


def _snapshot_apps(apps: Any) -> dict[str, Any]:
    state = dict(vars(apps))
    state["app_configs"] = dict(apps.app_configs)
    state["all_models"] = {label: dict(models) for label, models in apps.all_models.items()}
    return state


@contextlib.contextmanager
def isolated_globals(*, fresh: bool = True) -> Iterator[None]:
    """Restore settings, app registry, root router, sys.path, sys.modules, os.environ and cwd on exit.

    With ``fresh`` (the default) the block starts with unconfigured settings and an empty registry,
    as a new process would, whatever an earlier test or conftest configured.
    """
    from covet.conf import settings
    from covet.conf.apps import apps

    wrapped = settings._wrapped
    apps_state = _snapshot_apps(apps)
    path = list(sys.path)
    modules = set(sys.modules)
    environ = dict(os.environ)
    cwd = os.getcwd()
    root_router = _get_root_router()
    if fresh:
        settings._wrapped = None
        vars(apps).update(_snapshot_apps(type(apps)()))
        _set_root_router(None)
    try:
        yield
    finally:
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(environ)
        sys.path[:] = path
        for name in set(sys.modules) - modules:
            if _is_project_module(name):
                del sys.modules[name]
        vars(apps).clear()
        vars(apps).update(apps_state)
        settings._wrapped = wrapped
        _set_root_router(root_router)


def _is_project_module(name: str) -> bool:
    """Modules of the projects loaded in the block; Covet's own and installed libraries stay imported."""
    if name == "covet" or name.startswith("covet."):
        return False
    file = getattr(sys.modules[name], "__file__", None)
    return not (file and file.startswith((sys.prefix, sys.base_prefix)))


def _get_root_router() -> Any:
    urlconf = sys.modules.get("covet.routing.urlconf")
    return getattr(urlconf, "_root_router", None) if urlconf is not None else None


def _set_root_router(router: Any) -> None:
    urlconf = sys.modules.get("covet.routing.urlconf")
    if urlconf is not None:
        urlconf.set_root_router(router)
