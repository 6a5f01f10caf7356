"""`covet runserver` says at startup, in one warning, that migrations are unapplied and what to run."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from covet.testing.server_process import free_port, stop_process, wait_until_listening

pytestmark = pytest.mark.timeout(180)

WARNING = (
    'WARNING migrations.W001 You have 3 unapplied migration(s) in database "default": the project may not work '
    'properly until the migrations of app(s) auth, admin, blog are applied. Run "covet migrate" to apply them.'
)


def startup_output(covet: Any, project: Path) -> str:
    """What `covet runserver --noreload` prints until it listens (its whitespace collapsed: rich wraps lines)."""
    port = free_port()
    log_path = project / f"runserver-{port}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            covet.argv("runserver", f"127.0.0.1:{port}", "--noreload"),
            cwd=project,
            env=covet.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            wait_until_listening(port, process)
        finally:
            stop_process(process)
    return " ".join(log_path.read_text().split())


def test_runserver_warns_about_unapplied_migrations_until_they_are_applied(
    project: Path, covet_subprocess: Any
) -> None:
    before = startup_output(covet_subprocess, project)
    assert WARNING in before
    assert before.index(WARNING) < before.index("Serving ")  # before the server starts, not in a request

    migrated = covet_subprocess.run("migrate", cwd=project)
    assert migrated.returncode == 0, migrated.stderr
    after = startup_output(covet_subprocess, project)
    assert "migrations.W" not in after and "Serving " in after
