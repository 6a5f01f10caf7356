"""The cache API every backend implements, with key prefixing, versioning and timeouts."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from typing import Any, Final

DEFAULT_TIMEOUT_SECONDS: Final = 300


class _DefaultTimeout:
    """Sentinel: use the backend's configured ``TIMEOUT``."""

    def __repr__(self) -> str:
        return "DEFAULT_TIMEOUT"


DEFAULT_TIMEOUT: Final = _DefaultTimeout()

Timeout = float | int | None | _DefaultTimeout
"""Seconds to keep a value; ``None`` keeps it forever, ``0`` or less stores nothing (expires at once)."""

_MISSING: Final = object()


class InvalidCacheKey(ValueError):
    """A key that cannot be stored portably (empty, too long, or with spaces/control characters)."""


MAX_KEY_LENGTH: Final = 250


class BaseCache(ABC):
    """Shared behaviour of the backends; subclasses implement the ``_raw`` primitives on final keys.

    ``params`` is one entry of ``settings.CACHES``: ``TIMEOUT`` (default 300 s), ``KEY_PREFIX``,
    ``VERSION`` (default 1), ``LOCATION`` and backend-specific ``OPTIONS``.
    """

    def __init__(self, params: Mapping[str, Any]) -> None:
        timeout = params.get("TIMEOUT", DEFAULT_TIMEOUT_SECONDS)
        self.default_timeout: float | None = None if timeout is None else float(timeout)
        self.key_prefix: str = str(params.get("KEY_PREFIX", ""))
        self.version: int = int(params.get("VERSION", 1))
        self.options: dict[str, Any] = dict(params.get("OPTIONS", {}))

    # -- keys and timeouts -------------------------------------------------------------------

    def make_key(self, key: str, version: int | None = None) -> str:
        """The stored key: ``"<KEY_PREFIX>:<version>:<key>"``."""
        validate_key(key)
        return f"{self.key_prefix}:{self.version if version is None else version}:{key}"

    def get_timeout(self, timeout: Timeout = DEFAULT_TIMEOUT) -> float | None:
        """Seconds to live for ``timeout`` (``None`` = forever); ``0`` or less means "expire now"."""
        if isinstance(timeout, _DefaultTimeout):
            return self.default_timeout
        return None if timeout is None else float(timeout)

    @staticmethod
    def expiry_of(ttl: float | None) -> float | None:
        """Absolute ``time.monotonic()`` deadline for a TTL."""
        return None if ttl is None else time.monotonic() + ttl

    # -- public API ----------------------------------------------------------------------------

    async def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        value = await self._get(self.make_key(key, version), _MISSING)
        return default if value is _MISSING else value

    async def set(self, key: str, value: Any, timeout: Timeout = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        await self._set(self.make_key(key, version), value, self.get_timeout(timeout), only_if_missing=False)

    async def add(self, key: str, value: Any, timeout: Timeout = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        """Store ``value`` only if ``key`` is absent; return whether it was stored."""
        return await self._set(self.make_key(key, version), value, self.get_timeout(timeout), only_if_missing=True)

    async def delete(self, key: str, version: int | None = None) -> bool:
        """Remove ``key``; return whether it existed."""
        return await self._delete_many([self.make_key(key, version)]) > 0

    async def has_key(self, key: str, version: int | None = None) -> bool:
        return await self._get(self.make_key(key, version), _MISSING) is not _MISSING

    async def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        """The values found, keyed by the caller's keys; missing keys are left out."""
        made = {self.make_key(key, version): key for key in keys}
        found = await self._get_many(list(made))
        return {made[full]: value for full, value in found.items()}

    async def set_many(
        self, mapping: Mapping[str, Any], timeout: Timeout = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[str]:
        """Store every item; return the keys that could not be stored (always empty for these backends)."""
        await self._set_many({self.make_key(k, version): v for k, v in mapping.items()}, self.get_timeout(timeout))
        return []

    async def delete_many(self, keys: Iterable[str], version: int | None = None) -> int:
        """Remove the keys; return how many existed."""
        return await self._delete_many([self.make_key(key, version) for key in keys])

    async def get_or_set(
        self, key: str, default: Any, timeout: Timeout = DEFAULT_TIMEOUT, version: int | None = None
    ) -> Any:
        """The cached value, or ``default`` (called first if callable; awaited if a coroutine) after storing it."""
        value = await self.get(key, _MISSING, version)
        if value is not _MISSING:
            return value
        if callable(default):
            default = default()
            if hasattr(default, "__await__"):
                default = await default
        await self.add(key, default, timeout, version)
        return await self.get(key, default, version)

    async def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """Add ``delta`` to an integer value atomically; ``ValueError`` if the key is missing or not an int."""
        return await self._incr(self.make_key(key, version), delta, key)

    async def decr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        return await self.incr(key, -delta, version)

    async def touch(self, key: str, timeout: Timeout = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        """Give ``key`` a new timeout; return whether it existed."""
        return await self._touch(self.make_key(key, version), self.get_timeout(timeout))

    async def incr_version(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """Move a value to ``version + delta`` (the old version is deleted); return the new version."""
        version = self.version if version is None else version
        value = await self.get(key, _MISSING, version)
        if value is _MISSING:
            raise ValueError(f"Cache key {key!r} (version {version}) not found: cannot change its version.")
        await self.set(key, value, version=version + delta)
        await self.delete(key, version)
        return version + delta

    async def decr_version(self, key: str, delta: int = 1, version: int | None = None) -> int:
        return await self.incr_version(key, -delta, version)

    @abstractmethod
    async def clear(self) -> None:
        """Remove every key of this cache (only keys under this cache's ``KEY_PREFIX`` for Redis)."""

    async def close(self) -> None:  # noqa: B027 - optional hook, most backends hold nothing
        """Release connections; the cache stays usable (it reconnects on next use)."""

    # -- backend primitives on final keys --------------------------------------------------------

    @abstractmethod
    async def _get(self, key: str, default: Any) -> Any: ...

    @abstractmethod
    async def _set(self, key: str, value: Any, ttl: float | None, *, only_if_missing: bool) -> bool: ...

    @abstractmethod
    async def _delete_many(self, keys: list[str]) -> int: ...

    @abstractmethod
    async def _incr(self, key: str, delta: int, user_key: str) -> int: ...

    @abstractmethod
    async def _touch(self, key: str, ttl: float | None) -> bool: ...

    async def _get_many(self, keys: list[str]) -> dict[str, Any]:
        found = {}
        for key in keys:
            value = await self._get(key, _MISSING)
            if value is not _MISSING:
                found[key] = value
        return found

    async def _set_many(self, mapping: dict[str, Any], ttl: float | None) -> None:
        for key, value in mapping.items():
            await self._set(key, value, ttl, only_if_missing=False)


def validate_key(key: str) -> None:
    """Reject keys that would not survive every backend: empty, too long, spaces or control characters."""
    if not isinstance(key, str) or not key:
        raise InvalidCacheKey(f"Cache keys must be non-empty strings, got {key!r}.")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidCacheKey(f"Cache key is {len(key)} characters long; the limit is {MAX_KEY_LENGTH}. Hash it first.")
    if any(ord(ch) <= 32 or ord(ch) == 127 for ch in key):
        raise InvalidCacheKey(f"Cache key {key!r} contains spaces or control characters; use a hash or quote it.")


def not_an_integer(user_key: str) -> ValueError:
    return ValueError(f"Cache key {user_key!r} does not hold an integer: incr()/decr() need an int value.")


def missing_key(user_key: str) -> ValueError:
    return ValueError(f"Cache key {user_key!r} not found: set it before incr()/decr().")
