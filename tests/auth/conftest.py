"""Auth test setup: settings configured in code (unless a project did), helper paths, and the `database` fixture."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from covet.conf import settings
from covet.testing.databases import postgres_database_for_test

_TESTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(_TESTS / "cache"))  # live_services helpers (Redis)
sys.path.insert(0, str(_TESTS / "middleware"))  # requests_in_memory helpers

from auth_database import migrated  # noqa: E402  (found through the paths above)

if not settings.is_configured:
    settings.configure(SECRET_KEY="auth-tests-" + "x" * 40, DEBUG=False, ALLOWED_HOSTS=["testserver"])


@pytest.fixture(autouse=True)
def _security_settings() -> Iterator[None]:
    """The values these tests assume, even when another suite configured settings first."""
    with settings.override(SECRET_KEY="auth-tests-" + "x" * 40, DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        yield


FAST = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1}
BACKENDS = {"AUTHENTICATION_BACKENDS": ["covet.auth.backends.ModelBackend"]}


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    with settings.override(**FAST, **BACKENDS):
        if request.param == "sqlite":
            async with migrated(f"sqlite+aiosqlite:///{tmp_path / 'auth.sqlite3'}"):
                yield request.param
        else:
            async with postgres_database_for_test(prefix="covet_auth") as url, migrated(url):
                yield request.param
