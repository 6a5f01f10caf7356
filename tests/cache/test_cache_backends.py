"""The cache API, run against both backends: local memory and the real Redis."""

from __future__ import annotations

import asyncio

import pytest

from covet.cache.base import BaseCache, InvalidCacheKey


async def test_set_get_and_default(backend: BaseCache) -> None:
    assert await backend.get("missing") is None
    assert await backend.get("missing", "fallback") == "fallback"
    await backend.set("k", {"a": [1, 2, 3], "b": None})
    assert await backend.get("k") == {"a": [1, 2, 3], "b": None}
    assert await backend.has_key("k")


async def test_type_policy_round_trips(backend: BaseCache) -> None:
    values = {"int": 42, "neg": -7, "float": 1.5, "true": True, "none": None, "str": "123", "bytes": b"\x00\xffraw"}
    await backend.set_many(values)
    assert await backend.get_many(list(values)) == values
    assert type(await backend.get("true")) is bool
    assert type(await backend.get("str")) is str
    await backend.set("tuple", (1, "two"))
    assert await backend.get("tuple") == [1, "two"]


async def test_unserializable_value_is_refused_and_nothing_stored(backend: BaseCache) -> None:
    await backend.set("k", "kept")
    with pytest.raises(TypeError, match="JSON-able"):
        await backend.set("k", object())
    assert await backend.get("k") == "kept"


async def test_returned_values_are_copies(backend: BaseCache) -> None:
    await backend.set("k", {"items": [1]})
    first = await backend.get("k")
    first["items"].append(2)
    assert await backend.get("k") == {"items": [1]}


async def test_ttl_expires(backend: BaseCache) -> None:
    await backend.set("short", "v", timeout=0.2)
    await backend.set("forever", "v", timeout=None)
    assert await backend.get("short") == "v"
    await asyncio.sleep(0.35)
    assert await backend.get("short") is None
    assert await backend.get("forever") == "v"


async def test_timeout_zero_stores_nothing(backend: BaseCache) -> None:
    await backend.set("k", "old")
    await backend.set("k", "new", timeout=0)
    assert await backend.get("k") is None


async def test_add_only_when_missing(backend: BaseCache) -> None:
    assert await backend.add("k", "first") is True
    assert await backend.add("k", "second") is False
    assert await backend.get("k") == "first"


async def test_delete_and_delete_many(backend: BaseCache) -> None:
    await backend.set_many({"a": 1, "b": 2, "c": 3})
    assert await backend.delete("a") is True
    assert await backend.delete("a") is False
    assert await backend.delete_many(["b", "c", "zzz"]) == 2
    assert await backend.get_many(["a", "b", "c"]) == {}


async def test_incr_decr(backend: BaseCache) -> None:
    await backend.set("n", 10)
    assert await backend.incr("n") == 11
    assert await backend.incr("n", 5) == 16
    assert await backend.decr("n", 20) == -4
    assert await backend.get("n") == -4


async def test_incr_missing_or_non_integer_is_a_clear_error(backend: BaseCache) -> None:
    with pytest.raises(ValueError, match="not found"):
        await backend.incr("nope")
    assert await backend.get("nope") is None
    await backend.set("s", "text")
    with pytest.raises(ValueError, match="does not hold an integer"):
        await backend.incr("s")
    assert await backend.get("s") == "text"


async def test_incr_keeps_ttl(backend: BaseCache) -> None:
    await backend.set("n", 1, timeout=0.2)
    await backend.incr("n")
    await asyncio.sleep(0.35)
    assert await backend.get("n") is None


async def test_concurrent_incr_loses_nothing(backend: BaseCache) -> None:
    await backend.set("hits", 0)
    await asyncio.gather(*(backend.incr("hits") for _ in range(200)))
    assert await backend.get("hits") == 200


async def test_touch(backend: BaseCache) -> None:
    assert await backend.touch("missing", 10) is False
    await backend.set("k", "v", timeout=0.2)
    assert await backend.touch("k", None) is True
    await asyncio.sleep(0.35)
    assert await backend.get("k") == "v"
    assert await backend.touch("k", 0) is True
    assert await backend.get("k") is None


async def test_versions_are_separate(backend: BaseCache) -> None:
    await backend.set("k", "v1")
    await backend.set("k", "v2", version=2)
    assert await backend.get("k") == "v1"
    assert await backend.get("k", version=2) == "v2"
    assert await backend.incr_version("k", version=2) == 3
    assert await backend.get("k", version=2) is None
    assert await backend.get("k", version=3) == "v2"
    with pytest.raises(ValueError, match="not found"):
        await backend.incr_version("absent")


async def test_get_or_set(backend: BaseCache) -> None:
    calls = []

    async def compute() -> str:
        calls.append(1)
        return "computed"

    assert await backend.get_or_set("k", compute) == "computed"
    assert await backend.get_or_set("k", compute) == "computed"
    assert calls == [1]


async def test_clear_removes_only_this_cache(backend: BaseCache) -> None:
    await backend.set_many({"a": 1, "b": 2})
    await backend.clear()
    assert await backend.get_many(["a", "b"]) == {}


@pytest.mark.parametrize("key", ["", "has space", "new\nline", "x" * 251])
async def test_invalid_keys_are_refused(backend: BaseCache, key: str) -> None:
    with pytest.raises(InvalidCacheKey):
        await backend.set(key, "v")
