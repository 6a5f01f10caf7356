"""Loading the project a command runs in: locate its settings, load them, populate the app registry."""

from __future__ import annotations

import os
from pathlib import Path

from covet.cli.errors import CommandError, ProjectNotFound
from covet.conf.discovery import SETTINGS_ENV_VAR, ProjectLocation, describe_missing_project, find_project
from covet.exceptions import ImproperlyConfigured


def require_project() -> ProjectLocation:
    """The project around the current directory, or exit with status 2 saying that there is none."""
    try:
        location = find_project()
    except ImproperlyConfigured as exc:
        raise CommandError(str(exc)) from exc
    if location is None:
        raise ProjectNotFound(describe_missing_project())
    return location


def project_root(location: ProjectLocation) -> Path:
    """The project's root directory (where pyproject.toml is), else the current directory."""
    return location.root if location.root is not None else Path.cwd()


def load_project(*, populate: bool = True) -> ProjectLocation:
    """Require a project, load its settings and (by default) populate the app registry.

    Also exports the settings module through ``COVET_SETTINGS_MODULE`` and the project root through
    ``PYTHONPATH``, so child processes (the autoreloading server, workers) load the same project.
    """
    location = require_project()
    os.environ[SETTINGS_ENV_VAR] = location.settings_module
    if location.root is not None:
        paths = [str(location.root), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
        os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    try:
        from covet.conf import settings

        if populate:
            import covet

            covet.setup()
        else:
            settings.INSTALLED_APPS  # noqa: B018 - loads the settings now, so errors surface here
    except ImproperlyConfigured as exc:
        raise CommandError(str(exc)) from exc
    return location
