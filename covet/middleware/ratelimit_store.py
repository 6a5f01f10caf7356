"""Rate-limit counters: a token bucket kept as one timestamp per key (GCRA), locally or in Redis.

A rate "N per P seconds" allows a burst of N requests, then one more every P/N seconds. Each key
stores only its "theoretical arrival time" (TAT); a request is allowed when
``TAT - burst_window <= now``. The Redis variant runs as one Lua script using Redis' own clock, so
every process and machine sharing the Redis server shares the limit exactly, with no race.
"""

from __future__ import annotations

import math
import threading
import time
import weakref
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from covet.cache import BaseCache

KEY_PREFIX = "covet.ratelimit:"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    remaining: int
    retry_after: float
    """Seconds until the next request would be allowed (0 when this one was)."""


class RateLimitStore(ABC):
    @abstractmethod
    async def hit(self, key: str, limit: int, period: float) -> Decision:
        """Count one request against ``key`` for a rate of ``limit`` per ``period`` seconds."""


def gcra(tat: float | None, now: float, limit: int, period: float) -> tuple[Decision, float | None]:
    """The decision, and the new TAT to store (None: store nothing, the request was refused)."""
    interval = period / limit
    tat = now if tat is None or tat < now else tat
    new_tat = tat + interval
    allow_at = new_tat - period
    if allow_at > now:
        return Decision(False, 0, allow_at - now), None
    return Decision(True, int((now - allow_at) / interval), 0.0), new_tat


class LocalRateLimitStore(RateLimitStore):
    """One process only; bounded (expired keys are pruned as it grows)."""

    def __init__(self, max_keys: int = 100_000) -> None:
        self.max_keys = max_keys
        self._tats: dict[str, float] = {}
        self._lock = threading.Lock()

    async def hit(self, key: str, limit: int, period: float) -> Decision:
        now = time.monotonic()
        with self._lock:
            decision, new_tat = gcra(self._tats.get(key), now, limit, period)
            if new_tat is not None:
                self._tats[key] = new_tat
                if len(self._tats) > self.max_keys:
                    self._prune(now)
        return decision

    def _prune(self, now: float) -> None:
        for key in [k for k, tat in self._tats.items() if tat <= now]:
            del self._tats[key]
        while len(self._tats) > self.max_keys:  # all live: drop the oldest inserted
            del self._tats[next(iter(self._tats))]


_GCRA_LUA = """
local period = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local interval = period / limit
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]))
if tat == nil or tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - period
if allow_at > now then
  return {0, 0, math.ceil(allow_at - now)}
end
redis.call('SET', KEYS[1], string.format('%d', math.ceil(new_tat)), 'PX', math.ceil(new_tat - now) + 1)
return {1, math.floor((now - allow_at) / interval), 0}
"""


class RedisRateLimitStore(RateLimitStore):
    """Shared by every process using the same Redis cache (``covet.cache.redis.RedisCache``)."""

    def __init__(self, cache: Any) -> None:
        self.cache = cache
        self._scripts: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()

    async def hit(self, key: str, limit: int, period: float) -> Decision:
        client = self.cache.client()
        script = self._scripts.get(client)
        if script is None:
            script = self._scripts[client] = client.register_script(_GCRA_LUA)
        full_key = self.cache.make_key(KEY_PREFIX + key)
        allowed, remaining, retry_ms = await script(keys=[full_key], args=[int(period * 1000), limit])
        return Decision(bool(allowed), int(remaining), int(retry_ms) / 1000)


_stores: weakref.WeakKeyDictionary[BaseCache, RateLimitStore] = weakref.WeakKeyDictionary()


def store_for(cache: BaseCache) -> RateLimitStore:
    """The counters belonging to ``cache``: in Redis when it is a Redis cache, else in this process."""
    from covet.cache.redis import RedisCache

    store = _stores.get(cache)
    if store is None:
        store = _stores[cache] = RedisRateLimitStore(cache) if isinstance(cache, RedisCache) else LocalRateLimitStore()
    return store


def ceil_seconds(seconds: float) -> int:
    return max(1, math.ceil(seconds))
