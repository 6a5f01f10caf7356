"""Redis cache: shared by every process and machine pointing at the same server (redis.asyncio).

``LOCATION`` is a ``redis://`` or ``rediss://`` URL (the handler fills it from ``REDIS_URL``
when empty). ``OPTIONS``: ``MAX_CONNECTIONS`` (pool size, default 50), ``SOCKET_TIMEOUT`` and
``SOCKET_CONNECT_TIMEOUT`` (seconds, default 5). Values use the shared safe format of
:mod:`covet.cache.serialization`; integers are plain digits so ``incr`` is Redis' own ``INCRBY``.

A redis.asyncio connection belongs to the event loop that opened it, so one client (and pool)
is kept per running loop.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Mapping
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import ResponseError

from covet.cache import serialization
from covet.cache.base import BaseCache, missing_key, not_an_integer

DEFAULT_MAX_CONNECTIONS = 50
DEFAULT_SOCKET_TIMEOUT = 5.0

# INCRBY on a missing key would create it; the cache API says incr() on a missing key is an error.
_INCR_EXISTING = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
return redis.call('INCRBY', KEYS[1], ARGV[1])
"""

_GLOB_SPECIALS = str.maketrans({ch: "\\" + ch for ch in "*?[]\\"})


class RedisCache(BaseCache):
    def __init__(self, params: Mapping[str, Any]) -> None:
        super().__init__(params)
        self.location = str(params.get("LOCATION") or "")
        if not self.location.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(
                f"Redis cache LOCATION must be a redis://, rediss:// or unix:// URL, got {self.location!r}. "
                "Set CACHES[alias]['LOCATION'] or REDIS_URL."
            )
        self.max_connections = int(self.options.get("MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS))
        self.socket_timeout = float(self.options.get("SOCKET_TIMEOUT", DEFAULT_SOCKET_TIMEOUT))
        self.connect_timeout = float(self.options.get("SOCKET_CONNECT_TIMEOUT", DEFAULT_SOCKET_TIMEOUT))
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aioredis.Redis] = (
            weakref.WeakKeyDictionary()
        )

    def client(self) -> aioredis.Redis:
        """The client (with its connection pool) of the running event loop; for features beyond the cache API."""
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            # A blocking pool makes a burst of requests wait for a free connection instead of failing.
            pool = aioredis.BlockingConnectionPool.from_url(
                self.location,
                max_connections=self.max_connections,
                timeout=self.socket_timeout,
                socket_timeout=self.socket_timeout,
                socket_connect_timeout=self.connect_timeout,
            )
            client = self._clients[loop] = aioredis.Redis.from_pool(pool)
        return client

    async def _get(self, key: str, default: Any) -> Any:
        payload: bytes | None = await self.client().get(key)  # type: ignore[assignment]  # no decode_responses
        return default if payload is None else serialization.loads(payload)

    async def _get_many(self, keys: list[str]) -> dict[str, Any]:
        if not keys:
            return {}
        payloads: list[bytes | None] = await self.client().mget(keys)  # type: ignore[assignment]
        return {k: serialization.loads(p) for k, p in zip(keys, payloads, strict=True) if p is not None}

    async def _set(self, key: str, value: Any, ttl: float | None, *, only_if_missing: bool) -> bool:
        payload = serialization.dumps(value)
        client = self.client()
        if ttl is not None and ttl <= 0:
            if only_if_missing and await client.exists(key):
                return False
            await client.delete(key)
            return True
        px = None if ttl is None else max(1, int(ttl * 1000))
        return bool(await client.set(key, payload, px=px, nx=only_if_missing))

    async def _set_many(self, mapping: dict[str, Any], ttl: float | None) -> None:
        if ttl is not None and ttl <= 0:
            await self._delete_many(list(mapping))
            return
        px = None if ttl is None else max(1, int(ttl * 1000))
        async with self.client().pipeline(transaction=False) as pipe:
            for key, value in mapping.items():
                pipe.set(key, serialization.dumps(value), px=px)
            await pipe.execute()

    async def _delete_many(self, keys: list[str]) -> int:
        return int(await self.client().delete(*keys)) if keys else 0

    async def _incr(self, key: str, delta: int, user_key: str) -> int:
        try:
            value = await self.client().eval(_INCR_EXISTING, 1, key, delta)
        except ResponseError as exc:
            raise not_an_integer(user_key) from exc
        if value is None:
            raise missing_key(user_key)
        return int(value)

    async def _touch(self, key: str, ttl: float | None) -> bool:
        client = self.client()
        if ttl is None:
            async with client.pipeline(transaction=True) as pipe:
                pipe.exists(key)
                pipe.persist(key)
                exists, _ = await pipe.execute()
            return bool(exists)
        if ttl <= 0:
            return bool(await client.delete(key))
        return bool(await client.pexpire(key, max(1, int(ttl * 1000))))

    async def clear(self) -> None:
        """Delete the keys under this cache's ``KEY_PREFIX`` (never ``FLUSHDB``: the database may be shared)."""
        client = self.client()
        pattern = self.key_prefix.translate(_GLOB_SPECIALS) + ":*"
        batch: list[bytes] = []
        async for key in client.scan_iter(match=pattern, count=500):
            batch.append(key)
            if len(batch) >= 500:
                await client.delete(*batch)
                batch.clear()
        if batch:
            await client.delete(*batch)

    async def close(self) -> None:
        """Close the running loop's client and its pool."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        client = self._clients.pop(loop, None)
        if client is not None:
            await client.aclose()
