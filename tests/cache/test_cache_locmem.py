"""Behaviour specific to the local-memory backend: bounded LRU, shared LOCATION, thread safety."""

from __future__ import annotations

import threading

import pytest

from covet.cache.locmem import LocMemCache


async def test_lru_evicts_least_recently_used() -> None:
    cache = LocMemCache({"LOCATION": "lru-test", "OPTIONS": {"MAX_ENTRIES": 3}})
    await cache.clear()
    for key in "abc":
        await cache.set(key, key)
    assert await cache.get("a") == "a"  # a is now most recently used
    await cache.set("d", "d")
    assert await cache.get_many(["a", "b", "c", "d"]) == {"a": "a", "c": "c", "d": "d"}
    assert len(cache) == 3


async def test_same_location_shares_a_store() -> None:
    first = LocMemCache({"LOCATION": "shared-test"})
    second = LocMemCache({"LOCATION": "shared-test"})
    other = LocMemCache({"LOCATION": "other-test"})
    await first.set("k", "v")
    assert await second.get("k") == "v"
    assert await other.get("k") is None
    await first.clear()


def test_max_entries_must_be_positive() -> None:
    with pytest.raises(ValueError, match="MAX_ENTRIES"):
        LocMemCache({"OPTIONS": {"MAX_ENTRIES": 0}})


def test_incr_from_threads_is_atomic() -> None:
    import asyncio

    cache = LocMemCache({"LOCATION": "threads-test"})
    asyncio.run(cache.set("n", 0))

    def work() -> None:
        async def bump() -> None:
            for _ in range(200):
                await cache.incr("n")

        asyncio.run(bump())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert asyncio.run(cache.get("n")) == 800
    asyncio.run(cache.clear())
