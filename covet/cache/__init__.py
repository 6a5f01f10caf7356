"""Covet's cache: ``caches[alias]`` from ``settings.CACHES``, local-memory and Redis backends.

Usage: ``await caches["default"].set("greeting", {"text": "hi"}, timeout=60)``, then
``await cache.get("greeting")`` (``cache`` is the default alias).
"""

from __future__ import annotations

from covet.cache.base import DEFAULT_TIMEOUT, BaseCache, InvalidCacheKey
from covet.cache.handler import DEFAULT_CACHE_ALIAS, CacheHandler, cache, caches

__all__ = [
    "DEFAULT_CACHE_ALIAS",
    "DEFAULT_TIMEOUT",
    "BaseCache",
    "CacheHandler",
    "InvalidCacheKey",
    "cache",
    "caches",
]
