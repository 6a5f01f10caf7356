"""covet.testing.project_env: what a child process that runs a project inherits from the test process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from covet.conf.discovery import SETTINGS_ENV_VAR
from covet.testing.project_env import project_environment


def test_settings_and_pytest_variables_are_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SETTINGS_ENV_VAR, "tests_settings")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///tests.sqlite3")
    monkeypatch.setenv("PYTEST_ADDOPTS", "-x")
    monkeypatch.setenv("COVET_PROJECT_ENV_PROBE", "kept")
    env = project_environment()
    assert not {SETTINGS_ENV_VAR, "DATABASE_URL", "PYTEST_ADDOPTS"} & env.keys()
    assert env["COVET_PROJECT_ENV_PROBE"] == "kept"


def test_python_path_goes_first_and_extra_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PYTHONPATH", "/already/there")
    env = project_environment({"DATABASE_URL": "sqlite:///child.sqlite3"}, python_path=[tmp_path, "/second"])
    assert env["PYTHONPATH"].split(os.pathsep) == [str(tmp_path), "/second", "/already/there"]
    assert env["DATABASE_URL"] == "sqlite:///child.sqlite3"
    monkeypatch.delenv("PYTHONPATH")
    assert project_environment(python_path=[tmp_path])["PYTHONPATH"] == str(tmp_path)
