"""``caches``: the configured cache backends from ``settings.CACHES``, created on first use."""

from __future__ import annotations

import threading
from typing import Any

from covet.cache.base import BaseCache
from covet.conf.importing import import_string
from covet.exceptions import ImproperlyConfigured

DEFAULT_CACHE_ALIAS = "default"
DEFAULT_CACHES: dict[str, dict[str, Any]] = {DEFAULT_CACHE_ALIAS: {"BACKEND": "covet.cache.locmem.LocMemCache"}}

# Short names accepted in CACHES[alias]["BACKEND"] besides dotted paths.
BACKEND_ALIASES = {
    "locmem": "covet.cache.locmem.LocMemCache",
    "redis": "covet.cache.redis.RedisCache",
}


def import_backend(path: str) -> type[BaseCache]:
    backend = import_string(BACKEND_ALIASES.get(path, path), setting="CACHES (BACKEND: 'locmem', 'redis' or a path)")
    if not (isinstance(backend, type) and issubclass(backend, BaseCache)):
        raise ImproperlyConfigured(f"Cache BACKEND {path!r} is not a covet.cache.BaseCache subclass.")
    return backend


class CacheHandler:
    """Maps aliases of ``settings.CACHES`` to backend instances (one per alias per process)."""

    def __init__(self) -> None:
        self._instances: dict[str, BaseCache] = {}
        self._lock = threading.Lock()

    def _config(self) -> dict[str, dict[str, Any]]:
        from covet.conf import settings

        return getattr(settings, "CACHES", None) or DEFAULT_CACHES

    def create(self, alias: str) -> BaseCache:
        from covet.conf import settings

        config = self._config()
        if alias not in config:
            raise ImproperlyConfigured(
                f"Cache alias {alias!r} is not configured; settings.CACHES defines {sorted(config)}."
            )
        params = dict(config[alias])
        if "BACKEND" not in params:
            raise ImproperlyConfigured(f"settings.CACHES[{alias!r}] has no 'BACKEND'.")
        backend = import_backend(params["BACKEND"])
        if not params.get("LOCATION") and BACKEND_ALIASES["redis"] == BACKEND_ALIASES.get(
            params["BACKEND"], params["BACKEND"]
        ):
            params["LOCATION"] = getattr(settings, "REDIS_URL", None) or "redis://127.0.0.1:6379/0"
        return backend(params)

    def __getitem__(self, alias: str) -> BaseCache:
        with self._lock:
            cache = self._instances.get(alias)
            if cache is None:
                cache = self._instances[alias] = self.create(alias)
            return cache

    def all(self) -> list[BaseCache]:
        with self._lock:
            return list(self._instances.values())

    async def close_all(self) -> None:
        """Close every created backend's connections for the running loop (call at shutdown)."""
        for cache in self.all():
            await cache.close()

    def reset(self) -> None:
        """Forget created backends so the next access re-reads settings (tests that override CACHES)."""
        with self._lock:
            self._instances.clear()


caches = CacheHandler()


class DefaultCacheProxy:
    """``cache``: attribute access goes to ``caches["default"]``."""

    def __getattr__(self, name: str) -> Any:
        return getattr(caches[DEFAULT_CACHE_ALIAS], name)


cache: Any = DefaultCacheProxy()
