"""An app's lifespan shutdown closes the ORM's pools (registered by covet.orm on its first engine)."""

from __future__ import annotations

import asyncio
from typing import Any

from orm_testapp.models import Tag

from covet.conf.shutdown import shutdown_callbacks
from covet.core import CovetApp
from covet.orm import close_all, get_engine
from covet.orm.connections import _engines
from covet.routing import Router


async def drive_lifespan(app: CovetApp, during: Any) -> list[dict[str, Any]]:
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    task = asyncio.ensure_future(app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, inbox.get, send))
    await inbox.put({"type": "lifespan.startup"})
    await during()
    await inbox.put({"type": "lifespan.shutdown"})
    await asyncio.wait_for(task, 10)
    return sent


async def test_lifespan_shutdown_closes_the_orm_pools() -> None:
    pools = []

    async def serve() -> None:
        await Tag.objects.create(name="served")
        assert await Tag.objects.count() == 1
        pool = get_engine().sync_engine.pool
        assert pool.checkedin() + pool.checkedout() >= 1  # connections are open while serving
        pools.append(pool)

    messages = await drive_lifespan(CovetApp(Router()), serve)
    assert messages == [{"type": "lifespan.startup.complete"}, {"type": "lifespan.shutdown.complete"}]
    assert close_all in shutdown_callbacks()
    [pool] = pools
    assert pool.checkedin() == 0 and pool.checkedout() == 0  # every connection closed, none left checked out
    assert asyncio.get_running_loop() not in _engines  # forgotten: the next query opens a fresh engine
    assert await Tag.objects.filter(name="served").count() == 1
