"""Fixtures for the covet.testing tests: running pytest itself in a child process on a throwaway tree."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path

import pytest

import covet
from covet.testing.project_env import project_environment

REPO_ROOT = Path(covet.__file__).resolve().parent.parent


@pytest.fixture
def run_pytest() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run pytest (with covet's plugin loaded) in ``cwd``, with this checkout importable and no settings set."""
    env = project_environment(python_path=[REPO_ROOT])
    installed = any(ep.value == "covet.testing.plugin" for ep in entry_points(group="pytest11"))
    plugin = [] if installed else ["-p", "covet.testing.plugin"]

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "pytest", *plugin, "-p", "no:cacheprovider", *args]
        return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)

    return run
