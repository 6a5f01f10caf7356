"""Process-wide shutdown callbacks (covet.conf.shutdown) run at every app's lifespan shutdown, after its hooks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from asgi_driving import lifespan

from covet.conf.shutdown import register_shutdown_callback, shutdown_callbacks, unregister_shutdown_callback
from covet.core import CovetApp
from covet.routing import Router


@pytest.fixture
def events() -> Iterator[list[str]]:
    before = shutdown_callbacks()
    log: list[str] = []
    yield log
    for callback in shutdown_callbacks():
        if callback not in before:
            unregister_shutdown_callback(callback)


async def test_callbacks_registered_while_serving_run_after_the_apps_hooks(events: list[str]) -> None:
    async def close_library_pool() -> None:
        events.append("library")

    app = CovetApp(Router(), on_shutdown=[lambda: events.append("app hook")])
    async with lifespan(app) as messages:
        register_shutdown_callback(close_library_pool)  # e.g. the ORM's first engine, opened by a request
        register_shutdown_callback(close_library_pool)  # registering twice runs it once
    assert messages[1] == {"type": "lifespan.shutdown.complete"}
    assert events == ["app hook", "library"]


async def test_a_failing_callback_is_reported_like_a_hook(events: list[str]) -> None:
    def flush_library() -> None:
        raise OSError("disk full")

    register_shutdown_callback(flush_library)
    async with lifespan(CovetApp(Router())) as messages:
        pass
    assert messages[1]["type"] == "lifespan.shutdown.failed"
    assert "flush_library failed: OSError: disk full" in messages[1]["message"]
    unregister_shutdown_callback(flush_library)
    unregister_shutdown_callback(flush_library)  # forgetting an unknown callback is fine
    assert flush_library not in shutdown_callbacks()
