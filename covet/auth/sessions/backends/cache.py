"""Sessions in a cache (``SESSION_CACHE_ALIAS``, default "default"): local memory, or Redis to share them.

The cookie holds only a random key; data lives server-side under ``covet.session:<key>`` with the
session's age as TTL, so logout really ends a session everywhere.
"""

from __future__ import annotations

from typing import Any

from covet.auth.sessions.backends.base import SessionBackend, looks_like_session_key, new_session_key
from covet.cache import BaseCache, caches

KEY_PREFIX = "covet.session:"


class CacheSessionBackend(SessionBackend):
    def __init__(self, age: int, cache_alias: str = "default") -> None:
        super().__init__(age)
        self.cache_alias = cache_alias

    @property
    def cache(self) -> BaseCache:
        return caches[self.cache_alias]

    async def load(self, cookie_value: str) -> dict[str, Any] | None:
        if not looks_like_session_key(cookie_value):
            return None
        data = await self.cache.get(KEY_PREFIX + cookie_value)
        return data if isinstance(data, dict) else None

    async def save(self, key: str | None, data: dict[str, Any]) -> str:
        if key is None:
            # A fresh key must not collide with a live session: add() refuses existing keys atomically.
            fresh = new_session_key()
            while not await self.cache.add(KEY_PREFIX + fresh, data, self.age):
                fresh = new_session_key()
            return fresh
        await self.cache.set(KEY_PREFIX + key, data, self.age)
        return key

    async def delete(self, key: str) -> None:
        await self.cache.delete(KEY_PREFIX + key)
