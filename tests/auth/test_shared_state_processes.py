"""Two real server processes (covet.server.dev) sharing one Redis: one session and one rate limit for both."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from live_services import require_redis, unique_prefix
from secure_site import PASSWORD

from covet.testing.server_process import free_port, stop_process, wait_until_listening

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


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
            wait_until_listening(port, process)
        yield f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}"
    finally:
        for process in processes:
            stop_process(process)
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
