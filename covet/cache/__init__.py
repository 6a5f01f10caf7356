"""Covet's cache: ``caches[alias]`` from ``settings.CACHES``, local-memory and Redis backends.

Usage: ``await caches["default"].set("greeting", {"text": "hi"}, timeout=60)``, then
``await cache.get("greeting")`` (``cache`` is the default alias).
"""

from __future__ import annotations

from covet.cache.base import DEFAULT_TIMEOUT, BaseCache, InvalidCacheKey
from covet.cache.handler import DEFAULT_CACHE_ALIAS, CacheHandler, cache, caches


def __getattr__(name: str) -> object:
    # cache_page needs the HTTP layer; importing it lazily keeps `covet.cache` usable from scripts and the ORM.
    if name == "cache_page":
        from covet.cache.decorators import cache_page

        return cache_page
    raise AttributeError(f"module 'covet.cache' has no attribute {name!r}")


__all__ = [
    "DEFAULT_CACHE_ALIAS",
    "DEFAULT_TIMEOUT",
    "BaseCache",
    "CacheHandler",
    "InvalidCacheKey",
    "cache",
    "cache_page",
    "caches",
]
