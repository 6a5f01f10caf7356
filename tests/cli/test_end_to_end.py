"""A generated project, end to end: its own test suite passes, and `covet runserver` answers on a real socket."""

from __future__ import annotations

import contextlib
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from covet.testing.server_process import free_port, wait_until_listening

STARTUP_TIMEOUT = 30.0


@pytest.fixture
def generated_project(tmp_path: Path, covet_subprocess) -> Path:
    created = covet_subprocess.run("new", "e2esite", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    root = tmp_path / "e2esite"
    added = covet_subprocess.run("startapp", "shop", cwd=root)
    assert added.returncode == 0, added.stderr
    return root


def migrate_and_publish_a_post(project: Path, covet_subprocess) -> None:
    """Build the project's database with `covet migrate`, then publish one post from `covet shell -c`."""
    migrated = covet_subprocess.run("migrate", cwd=project)
    assert migrated.returncode == 0, migrated.stderr
    published = covet_subprocess.run("shell", "-c", PUBLISH_A_POST, cwd=project)
    assert published.returncode == 0, published.stderr


PUBLISH_A_POST = """
from covet.auth.models import User
from blog.models import Post
author = await User.objects.create_user("ada", "ada@example.com", "tangerine-orbit-Vessel-91")
await Post.objects.create(title="Hello from the database", body="Published by the test.", author=author, published=True)
"""


def test_generated_project_test_suite_passes(generated_project: Path, covet_subprocess) -> None:
    result = subprocess.run(
        covet_subprocess.pytest_argv("-q", "-p", "no:cacheprovider"),
        cwd=generated_project,
        env=covet_subprocess.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The template's blog, site and account tests plus the test of the app added with startapp, none skipped.
    summary = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ passed in [\d.]+s", summary), result.stdout


@contextlib.contextmanager
def running_server(
    argv: list[str], cwd: Path, env: dict[str, str], port: int, log_line: str = "Serving "
) -> Iterator[httpx.Client]:
    """Start a server as a child process, yield a client for it, then stop it with SIGINT (clean exit)."""
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until_listening(port, process, timeout=STARTUP_TIMEOUT)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            yield client
    finally:
        process.send_signal(signal.SIGINT)
        try:
            _, stderr = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            _, stderr = process.communicate()
    assert process.returncode == 0, stderr
    assert log_line in stderr


def test_runserver_serves_the_generated_project(generated_project: Path, covet_subprocess) -> None:
    migrate_and_publish_a_post(generated_project, covet_subprocess)
    port = free_port()
    argv = covet_subprocess.argv("runserver", f"127.0.0.1:{port}", "--noreload")
    with running_server(argv, generated_project, covet_subprocess.env, port) as client:
        welcome = client.get("/")
        blog = client.get("/blog/")
        health = client.get("/api/health")
        posts = client.get("/blog/api/posts")
        missing = client.get("/blog/api/posts/404")
    assert welcome.status_code == 200 and "e2esite is up and running" in welcome.text
    assert blog.status_code == 200 and "Hello from the database" in blog.text
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert posts.status_code == 200 and posts.json() == [{"id": 1, "title": "Hello from the database"}]
    assert missing.status_code == 404


def test_runserver_reloads_changed_code(generated_project: Path, covet_subprocess) -> None:
    port = free_port()
    argv = covet_subprocess.argv("runserver", str(port))
    views = generated_project / "e2esite" / "views.py"
    with running_server(argv, generated_project, covet_subprocess.env, port) as client:
        assert client.get("/api/health").json() == {"status": "ok"}
        views.write_text(views.read_text().replace('{"status": "ok"}', '{"status": "reloaded"}'))
        deadline = time.monotonic() + STARTUP_TIMEOUT
        body = None
        while time.monotonic() < deadline and body != {"status": "reloaded"}:
            time.sleep(0.2)
            try:
                body = client.get("/api/health").json()
            except httpx.TransportError:  # between the old process and the new one
                continue
        assert body == {"status": "reloaded"}


def test_generated_project_runs_under_uvicorn(generated_project: Path, covet_subprocess) -> None:
    pytest.importorskip("uvicorn")
    migrate_and_publish_a_post(generated_project, covet_subprocess)
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", "e2esite.asgi:application", "--port", str(port), "--lifespan", "on"]
    with running_server(argv, generated_project, covet_subprocess.env, port, "Application startup complete") as client:
        assert "e2esite is up and running" in client.get("/").text
        assert client.get("/blog/api/posts/1").json()["title"] == "Hello from the database"
