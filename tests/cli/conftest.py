"""Fixtures for the CLI tests: a click runner, an isolated process state and generated projects."""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from click.testing import CliRunner

import covet
from covet.cli import call_command
from covet.conf.discovery import SETTINGS_ENV_VAR
from covet.conf.environ import ENV_OVERRIDES
from covet.testing.isolation import isolated_globals
from covet.testing.project_env import project_environment

REPO_ROOT = Path(covet.__file__).resolve().parent.parent
_names = itertools.count()


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Run in ``tmp_path`` with no project around; restore process-wide state afterwards."""
    with isolated_globals():
        for name in (SETTINGS_ENV_VAR, *ENV_OVERRIDES):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("COLUMNS", "200")  # wide rich tables, no folded cells
        monkeypatch.chdir(tmp_path)
        yield tmp_path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def project(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A freshly generated project (unique name), with the current directory inside it."""
    name = f"site{next(_names)}"
    root = call_command("new", name)
    monkeypatch.chdir(root)
    return root


class CovetSubprocess:
    """Runs `python -m covet ...` (and pytest) in child processes with this checkout importable."""

    def __init__(self) -> None:
        self.env = project_environment({"COLUMNS": "200"}, python_path=[REPO_ROOT])

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "covet", *args]

    def run(
        self, *args: str, cwd: Path, input: str | None = None, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.argv(*args), input=input, capture_output=True, text=True, cwd=cwd, env=self.env, timeout=timeout
        )

    def pytest_argv(self, *args: str) -> list[str]:
        """pytest with covet's plugin: by its installed entry point, else named with ``-p``."""
        installed = any(ep.value == "covet.testing.plugin" for ep in entry_points(group="pytest11"))
        plugin = [] if installed else ["-p", "covet.testing.plugin"]
        return [sys.executable, "-m", "pytest", *plugin, *args]


@pytest.fixture
def covet_subprocess() -> CovetSubprocess:
    return CovetSubprocess()
