"""Two real server processes (covet.server.dev) sharing one Redis: one session and one rate limit for both."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from live_services import require_redis, unique_prefix
from secure_site import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_serving(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited early: {process.stderr.read().decode()}")  # type: ignore[union-attr]
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server on port {port} did not start within 20 s")


@pytest.fixture
def two_instances() -> Iterator[tuple[str, str]]:
    redis_url = require_redis()
    prefix = unique_prefix("two-instances")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)]),
        "SECURE_SITE_REDIS_URL": redis_url,
        "SECURE_SITE_PREFIX": prefix,
    }
    env.pop("COVET_SETTINGS_MODULE", None)
    ports = [free_port(), free_port()]
    command = [sys.executable, "-m", "covet.server.dev", "--app", "secure_site_asgi:application"]
    quiet = ["--no-access-log", "--log-level", "warning"]
    processes = [
        subprocess.Popen(
            [*command, "--port", str(port), *quiet],
            cwd=HERE,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            wait_until_serving(port, process)
        yield f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}"
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stderr is not None:
                process.stderr.close()
        import redis

        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()


def test_one_session_across_two_processes(two_instances: tuple[str, str]) -> None:
    a, b = two_instances
    with httpx.Client() as browser:
        page = browser.get(f"{a}/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        signed_in = browser.post(f"{a}/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token})
        assert signed_in.status_code == 200
        me_a = browser.get(f"{a}/me").json()
        me_b = browser.get(f"{b}/me").json()
        assert me_a["user"] == me_b["user"] == "alice"
        assert me_a["pid"] != me_b["pid"]  # really two processes
        counts = [browser.get(f"{url}/counter").json()["count"] for url in (a, b, a, b)]
        assert counts == [1, 2, 3, 4]
        csrf = browser.get(f"{b}/csrf").json()["token"]
        assert browser.post(f"{a}/logout", headers={"X-CSRFToken": csrf}).status_code == 200
        assert browser.get(f"{b}/me").status_code == 302  # signed out everywhere


def test_one_rate_limit_across_two_processes(two_instances: tuple[str, str]) -> None:
    a, b = two_instances
    statuses = []
    with httpx.Client() as browser:
        for i in range(8):
            url = (a, b)[i % 2]
            token = browser.get(f"{url}/csrf").json()["token"]
            response = browser.post(
                f"{url}/login", data={"username": "alice", "password": f"guess-{i}", "csrf_token": token}
            )
            statuses.append(response.status_code)
    assert statuses == [400] * 5 + [429] * 3  # 5 per minute in total, not per process
