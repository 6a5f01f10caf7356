"""covet.testing.live_server: a generated project served by a real `covet runserver` child process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

import covet
from covet.testing.live_server import live_server
from covet.testing.project_env import project_environment

REPO_ROOT = Path(covet.__file__).resolve().parent.parent
PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "live-server-test-key-" + "k7Q2" * 10, "ALLOWED_HOSTS": "127.0.0.1"}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("live")
    env = project_environment(python_path=[REPO_ROOT])
    subprocess.run([sys.executable, "-m", "covet", "new", "livesite"], cwd=parent, env=env, check=True, timeout=60)
    return parent / "livesite"


def test_serves_the_project_and_keeps_its_output_after_the_block(project: Path) -> None:
    env = project_environment(PRODUCTION, python_path=[REPO_ROOT])
    with live_server(project, env=env) as server:
        assert server.url.startswith("http://127.0.0.1:")
        assert httpx.get(f"{server.url}/no-such-page").status_code == 404
        assert server.process.poll() is None
    assert server.process.returncode == 0
    output = server.output()
    assert '"GET /no-such-page HTTP/1.1" 404' in output
    assert "Server stopped." in output


def test_a_server_that_does_not_start_fails_with_what_it_printed(project: Path) -> None:
    no_secret_key = {name: value for name, value in PRODUCTION.items() if name != "SECRET_KEY"}
    env = project_environment(no_secret_key, python_path=[REPO_ROOT])
    expected = r"(?s)exited with code 1.*It printed:.*SECRET_KEY is not set"
    with pytest.raises(AssertionError, match=expected), live_server(project, env=env):
        pytest.fail("the block must not run")
