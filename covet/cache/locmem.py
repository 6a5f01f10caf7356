"""Local-memory cache: one process, bounded LRU with per-key TTLs.

Values are stored serialized (see :mod:`covet.cache.serialization`) so they behave exactly
like the Redis backend's: a caller mutating what ``get()`` returned never changes the cache.
Every operation runs under a ``threading.Lock`` and never awaits while holding it, so the
store is safe for coroutines on the event loop and for sync views in the thread pool alike.
Caches configured with the same ``LOCATION`` share one store.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from covet.cache import serialization
from covet.cache.base import BaseCache, missing_key, not_an_integer

DEFAULT_MAX_ENTRIES = 1000

_Entry = tuple[float | None, bytes]  # (monotonic expiry or None, serialized value)


class _Store:
    def __init__(self) -> None:
        self.data: OrderedDict[str, _Entry] = OrderedDict()
        self.lock = threading.Lock()


_stores: dict[str, _Store] = {}
_stores_lock = threading.Lock()


def _store_for(location: str) -> _Store:
    with _stores_lock:
        return _stores.setdefault(location, _Store())


class LocMemCache(BaseCache):
    """``OPTIONS``: ``MAX_ENTRIES`` (default 1000): beyond it the least recently used key is evicted."""

    def __init__(self, params: Mapping[str, Any]) -> None:
        super().__init__(params)
        self.max_entries = int(self.options.get("MAX_ENTRIES", DEFAULT_MAX_ENTRIES))
        if self.max_entries < 1:
            raise ValueError(f"CACHES OPTIONS MAX_ENTRIES must be at least 1, got {self.max_entries}.")
        store = _store_for(str(params.get("LOCATION", "")))
        self._data = store.data
        self._lock = store.lock

    def _live(self, key: str) -> bytes | None:
        """The stored bytes if present and unexpired (marks the key recently used); caller holds the lock."""
        entry = self._data.get(key)
        if entry is None:
            return None
        expiry, payload = entry
        if expiry is not None and expiry <= time.monotonic():
            del self._data[key]
            return None
        self._data.move_to_end(key)
        return payload

    def _store(self, key: str, payload: bytes, ttl: float | None) -> None:
        """Caller holds the lock."""
        if ttl is not None and ttl <= 0:
            self._data.pop(key, None)
            return
        self._data[key] = (self.expiry_of(ttl), payload)
        self._data.move_to_end(key)
        while len(self._data) > self.max_entries:
            self._data.popitem(last=False)

    async def _get(self, key: str, default: Any) -> Any:
        with self._lock:
            payload = self._live(key)
        return default if payload is None else serialization.loads(payload)

    async def _set(self, key: str, value: Any, ttl: float | None, *, only_if_missing: bool) -> bool:
        payload = serialization.dumps(value)
        with self._lock:
            if only_if_missing and self._live(key) is not None:
                return False
            self._store(key, payload, ttl)
        return True

    async def _delete_many(self, keys: list[str]) -> int:
        with self._lock:
            return sum(1 for key in keys if self._live(key) is not None and self._data.pop(key, None) is not None)

    async def _incr(self, key: str, delta: int, user_key: str) -> int:
        with self._lock:
            payload = self._live(key)
            if payload is None:
                raise missing_key(user_key)
            current = serialization.loads(payload)
            if type(current) is not int:
                raise not_an_integer(user_key)
            expiry = self._data[key][0]
            value = current + delta
            self._data[key] = (expiry, serialization.dumps(value))
        return value

    async def _touch(self, key: str, ttl: float | None) -> bool:
        with self._lock:
            payload = self._live(key)
            if payload is None:
                return False
            self._store(key, payload, ttl)
        return True

    async def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)
