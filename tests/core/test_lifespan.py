"""Lifespan: startup and shutdown hooks (async and sync), and the failure messages servers log."""

from __future__ import annotations

import threading

import pytest
from asgi_driving import lifespan

from covet.core import CovetApp
from covet.routing import Router


async def test_hooks_run_in_order_sync_ones_in_a_thread() -> None:
    events: list[str] = []

    async def open_pool() -> None:
        events.append("async startup")

    def warm_cache() -> None:
        events.append(f"sync startup main={threading.current_thread() is threading.main_thread()}")

    app = CovetApp(Router(), on_startup=[open_pool], on_shutdown=[lambda: events.append("shutdown")])
    app.add_startup_handler(warm_cache)

    @app.add_shutdown_handler
    async def close_pool() -> None:
        events.append("async shutdown")

    async with lifespan(app) as messages:
        assert messages == [{"type": "lifespan.startup.complete"}]
        assert events == ["async startup", "sync startup main=False"]
    assert messages[1] == {"type": "lifespan.shutdown.complete"}
    assert events[2:] == ["shutdown", "async shutdown"]


async def test_startup_failure_is_reported_with_the_message(caplog: pytest.LogCaptureFixture) -> None:
    later: list[str] = []

    async def connect_database() -> None:
        raise ConnectionRefusedError("database at 127.0.0.1:1 refused the connection")

    app = CovetApp(Router(), on_startup=[connect_database, lambda: later.append("ran")])
    async with lifespan(app) as messages:
        pass
    assert len(messages) == 1
    assert messages[0]["type"] == "lifespan.startup.failed"
    assert messages[0]["message"] == (
        "Startup hook test_startup_failure_is_reported_with_the_message.<locals>.connect_database failed: "
        "ConnectionRefusedError: database at 127.0.0.1:1 refused the connection"
    )
    assert later == []  # hooks after the failing one do not run
    assert "Traceback" in caplog.text


async def test_shutdown_failure_is_reported() -> None:
    def flush() -> None:
        raise OSError("disk full")

    app = CovetApp(Router(), on_shutdown=[flush])
    async with lifespan(app) as messages:
        pass
    assert messages[1]["type"] == "lifespan.shutdown.failed"
    assert "OSError: disk full" in messages[1]["message"]
