"""The ``covet_accel.Worker`` constructor refuses bad configuration with messages that say what to fix."""

from __future__ import annotations

import asyncio
import socket

import pytest
from accel_server import require_accel


@pytest.fixture(autouse=True)
def _accel() -> None:
    require_accel()


def _worker(**options: object) -> object:
    import covet_accel

    binds = options.pop("binds", ["127.0.0.1:0"])
    return covet_accel.Worker(binds, **options)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"binds": []}, "at least one bind"),
        ({"binds": ["localhost"]}, "HOST:PORT"),
        ({"binds": ["fd:x"]}, "bad fd bind"),
        ({"http": "3"}, "'1', '2' or 'auto'"),
        ({"certfile": "/tmp/c.pem"}, "both certfile and keyfile"),
        ({"header_timeout": 0.0}, "header_timeout must be a positive"),
        ({"keepalive_timeout": float("nan")}, "keepalive_timeout must be a positive"),
        ({"static_routes": [("/x", b"", "text/plain", [("bad name", "v")])]}, "invalid header name"),
        ({"static_routes": [("/x", b"", "text/\nplain", [])]}, "invalid content type"),
        ({"static_files": ("/static/", "/nonexistent/covet/static")}, "static files root"),
    ],
)
def test_bad_configuration_is_refused(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _worker(**options)


def test_tls_files_are_checked_at_start(tmp_path: object) -> None:
    worker = _worker(certfile=f"{tmp_path}/missing-cert.pem", keyfile=f"{tmp_path}/missing-key.pem")
    loop = asyncio.new_event_loop()
    try:
        with pytest.raises(ValueError, match=r"missing-cert\.pem"):
            worker.start(loop, lambda *args: None, lambda: None)  # type: ignore[attr-defined]
    finally:
        loop.close()


def test_a_port_already_taken_without_reuseport_is_an_os_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        worker = _worker(binds=[f"127.0.0.1:{port}"])
        loop = asyncio.new_event_loop()
        try:
            with pytest.raises(OSError, match="cannot listen"):
                worker.start(loop, lambda *args: None, lambda: None)  # type: ignore[attr-defined]
        finally:
            loop.close()


def test_started_worker_reports_its_address_and_stops() -> None:
    worker = _worker()
    loop = asyncio.new_event_loop()
    stopped = asyncio.Event()
    try:
        worker.start(loop, lambda *args: None, stopped.set)  # type: ignore[attr-defined]
        (address,) = worker.addresses  # type: ignore[attr-defined]
        assert address.startswith("127.0.0.1:") and not address.endswith(":0")
        loop.add_reader(worker.fileno(), worker.drain)  # type: ignore[attr-defined]
        worker.stop(1.0)  # type: ignore[attr-defined]
        loop.run_until_complete(asyncio.wait_for(stopped.wait(), 10))
        loop.remove_reader(worker.fileno())  # type: ignore[attr-defined]
        worker.close(1.0)  # type: ignore[attr-defined]
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", int(address.rsplit(":", 1)[1])), timeout=1).close()
    finally:
        loop.close()
