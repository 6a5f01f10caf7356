"""Fixtures of the HTTP conformance suite: every test runs against each server kind that speaks its protocol.

``server`` is one long-lived process per kind (session scope): tests must leave
it healthy, and most check exactly that. Tests marked ``http1_only`` (raw
HTTP/1.1 bytes), ``http2_only`` (HTTP/2 frames) or ``tls_only`` get only the
kinds they apply to. ``server_factory`` starts private processes for tests that
stop their server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from conformance_servers import (
    HTTP1_KINDS,
    HTTP2_KINDS,
    KINDS,
    SERVER_KINDS,
    TLS_KINDS,
    RunningServer,
    assert_healthy,
    start_server,
)

from covet.testing.tls import SelfSignedCertificate, make_self_signed_certificate

# marker -> the kinds its tests run against
_KIND_MARKERS = {"http1_only": HTTP1_KINDS, "http2_only": HTTP2_KINDS, "tls_only": TLS_KINDS}


def pytest_configure(config: pytest.Config) -> None:
    for marker, kinds in _KIND_MARKERS.items():
        config.addinivalue_line("markers", f"{marker}: run only against the server kinds {', '.join(kinds)}")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "server" not in metafunc.fixturenames:
        return
    kinds = [
        kind
        for kind in SERVER_KINDS
        if all(
            kind in kinds for marker, kinds in _KIND_MARKERS.items() if metafunc.definition.get_closest_marker(marker)
        )
    ]
    metafunc.parametrize("server", kinds, indirect=True, scope="session")


@pytest.fixture(scope="session")
def tls_certificate(tmp_path_factory: pytest.TempPathFactory) -> SelfSignedCertificate:
    return make_self_signed_certificate(tmp_path_factory.mktemp("conformance-tls"))


def _certificate_for(kind: str, request: pytest.FixtureRequest) -> SelfSignedCertificate | None:
    return request.getfixturevalue("tls_certificate") if KINDS[kind].tls else None


@pytest.fixture(scope="session")
def server(request: pytest.FixtureRequest) -> Iterator[RunningServer]:
    kind: str = request.param
    running = start_server(kind, certificate=_certificate_for(kind, request))
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
        running = start_server(kind, extra_env, certificate=_certificate_for(kind, request))
        started.append(running)
        return running

    yield start
    for running in started:
        if running.process.poll() is None:
            running.process.kill()
            running.process.wait()


@pytest.fixture
def client(server: RunningServer) -> Iterator[httpx.Client]:
    with server.http_client() as http:
        yield http


@pytest.fixture
def healthy(server: RunningServer) -> Callable[[], None]:
    return lambda: assert_healthy(server)
