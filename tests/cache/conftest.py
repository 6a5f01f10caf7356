"""Fixtures for cache tests: each backend against the real thing, with its keys cleaned up afterwards."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from live_services import require_redis, unique_prefix

from covet.cache.base import BaseCache
from covet.cache.locmem import LocMemCache
from covet.cache.redis import RedisCache


@pytest.fixture(params=["locmem", "redis"])
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[BaseCache]:
    prefix = unique_prefix()
    cache: BaseCache
    if request.param == "redis":
        cache = RedisCache({"LOCATION": require_redis(), "KEY_PREFIX": prefix})
    else:
        cache = LocMemCache({"LOCATION": prefix, "KEY_PREFIX": prefix})
    yield cache
    await cache.clear()
    await cache.close()
