"""Test setup shared by every test of this project.

Covet's pytest plugin provides the fixtures ``client`` (a TestClient on this project's application),
``async_client`` (its async twin) and ``settings`` (change settings for one test). This file adds:

* a throwaway database: a fresh SQLite file per test run, built by the project's migrations, so tests
  never touch your development (or production) database;
* the local-memory cache even when REDIS_URL is set, emptied before each test (rate-limit counters,
  revoked tokens and cached sessions do not leak from one test into the next);
* production-like settings: DEBUG off, and fast password hashing.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_ISOLATED_VARIABLES = ("DATABASE_URL", "REDIS_URL")
_saved_environment: dict[str, str | None] = {}
_database_directory: Path | None = None


def pytest_configure(config):
    """Before the settings load: point them at a temporary database and away from Redis."""
    global _database_directory
    _database_directory = Path(tempfile.mkdtemp(prefix="covet-tests-"))
    for name in _ISOLATED_VARIABLES:
        _saved_environment[name] = os.environ.pop(name, None)
    os.environ["DATABASE_URL"] = f"sqlite+aiosqlite:///{_database_directory / 'test.sqlite3'}"


def pytest_unconfigure(config):
    for name, value in _saved_environment.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    if _database_directory is not None:
        shutil.rmtree(_database_directory, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def database():
    """Create the test database's tables once per run, exactly as `covet migrate` does in production."""
    from covet.cli import call_command

    call_command("migrate")


@pytest.fixture(autouse=True)
async def empty_cache():
    """Start each test with an empty cache and fresh rate-limit counters (a local cache keeps its
    counters per cache object, so the cache objects are recreated too)."""
    from covet.cache import caches

    await caches["default"].clear()
    caches.reset()


@pytest.fixture(autouse=True)
def production_like_settings(settings):
    """Run every test as production would: DEBUG off, and the test client's host name allowed.
    Password hashing is made cheap: the strength of Argon2 is not what these tests check."""
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # With DEBUG=false in the environment (a CI job, say) the settings have no key unless SECRET_KEY is set.
    settings.SECRET_KEY = settings.SECRET_KEY or "tests-only-secret-key-never-used-for-a-real-site"
    settings.ARGON2_TIME_COST = 1
    settings.ARGON2_MEMORY_COST = 1024
    settings.ARGON2_PARALLELISM = 1
