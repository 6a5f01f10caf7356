"""The real Redis (127.0.0.1:6379) for tests: required when CI=true, else skipped.

PostgreSQL databases for tests come from ``covet.testing.databases``.

Shared by tests/cache, tests/middleware and tests/auth (their conftests put this directory on sys.path).
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

REDIS_URL = os.environ.get("COVET_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def service_is_up(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def require_redis() -> str:
    """The Redis URL to use; fails under CI and skips elsewhere when Redis is not running."""
    if not service_is_up():
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is required when CI=true but nothing answers on 127.0.0.1:6379.")
        pytest.skip("Redis is not running on 127.0.0.1:6379 (start it, or set CI=true to make this a failure).")
    return REDIS_URL


def unique_prefix(label: str = "covet-test") -> str:
    """A key prefix no other test (or process) uses, so tests never see each other's keys."""
    return f"{label}-{uuid.uuid4().hex[:12]}"


@asynccontextmanager
async def fresh_default_cache(kind: str) -> AsyncIterator[str]:
    """``CACHES["default"]`` as a new local-memory (``kind="locmem"``) or real Redis cache; emptied afterwards."""
    from covet.cache import caches
    from covet.conf import settings

    cache: dict[str, Any] = {"BACKEND": "locmem", "LOCATION": unique_prefix()}
    if kind == "redis":
        cache = {"BACKEND": "redis", "LOCATION": require_redis(), "KEY_PREFIX": unique_prefix()}
    with settings.override(CACHES={"default": cache}):
        caches.reset()
        try:
            yield kind
        finally:
            await caches["default"].clear()
            await caches.close_all()
            caches.reset()
