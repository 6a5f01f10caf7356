"""Fixtures for the settings and app-registry tests: throwaway projects on disk, isolated from each other."""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from covet.conf.discovery import SETTINGS_ENV_VAR
from covet.conf.environ import ENV_OVERRIDES
from covet.testing.isolation import isolated_globals

_counter = itertools.count()


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Restore process-wide state afterwards; start without settings-related environment variables."""
    with isolated_globals():
        for name in (SETTINGS_ENV_VAR, *ENV_OVERRIDES):
            monkeypatch.delenv(name, raising=False)
        yield


@dataclass
class Project:
    root: Path
    package: str

    @property
    def settings_module(self) -> str:
        return f"{self.package}.settings"

    def write(self, relative: str, source: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
        return path

    def add_app(self, name: str, config_source: str | None = None) -> None:
        """An app package ``name``; with ``config_source``, an apps.py (AppConfig already imported) holding it."""
        self.write(f"{name.replace('.', '/')}/__init__.py", "")
        if config_source is not None:
            body = textwrap.dedent(config_source)
            self.write(f"{name.replace('.', '/')}/apps.py", f"from covet.conf.apps import AppConfig\n\n{body}")


@pytest.fixture
def make_project(tmp_path: Path, isolated: None) -> Callable[..., Project]:
    """Write ``pyproject.toml`` + ``<package>/settings.py`` (unique package name) under a fresh directory."""

    def make(settings_source: str = "", *, pyproject: bool = True) -> Project:
        package = f"proj{next(_counter)}_{tmp_path.name[-8:].replace('-', '_')}"
        project = Project(tmp_path / package, package)
        project.write(f"{package}/__init__.py", "")
        project.write(f"{package}/settings.py", settings_source)
        if pyproject:
            project.write("pyproject.toml", f'[tool.covet]\nsettings = "{package}.settings"\n')
        return project

    return make
