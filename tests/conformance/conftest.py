"""Fixtures of the HTTP conformance suite: every test runs against each server kind.

``server`` is one long-lived process per kind (session scope): tests must leave
it healthy, and most check exactly that. ``server_factory`` starts private
processes for tests that stop their server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from conformance_servers import SERVER_KINDS, RunningServer, assert_healthy, start_server


@pytest.fixture(scope="session", params=SERVER_KINDS)
def server(request: pytest.FixtureRequest) -> Iterator[RunningServer]:
    running = start_server(request.param)
    yield running
    code = running.stop()
    assert code == 0, f"{running.kind} server exited with {code} on SIGTERM:\n{running.log()}"


@pytest.fixture(scope="session")
def server_kind(server: RunningServer) -> str:
    return server.kind


@pytest.fixture
def server_factory(request: pytest.FixtureRequest) -> Iterator[Callable[..., RunningServer]]:
    """Start private servers of the kind under test (``kind`` param); they are killed after the test."""
    started: list[RunningServer] = []

    def start(kind: str, extra_env: dict[str, str] | None = None) -> RunningServer:
        running = start_server(kind, extra_env)
        started.append(running)
        return running

    yield start
    for running in started:
        if running.process.poll() is None:
            running.process.kill()
            running.process.wait()


@pytest.fixture
def client(server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        yield http


@pytest.fixture
def healthy(server: RunningServer) -> Callable[[], None]:
    return lambda: assert_healthy(server)
