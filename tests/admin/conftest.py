"""Admin test fixtures: the test project (``admin_project``) on SQLite, or on SQLite and PostgreSQL."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from covet.testing.databases import postgres_database_for_test

_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:
    sys.path.insert(0, str(_HERE))

from admin_project import AdminProject, _loaded  # noqa: E402  (found through the paths above)


@pytest.fixture(params=["sqlite"])
async def project(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AdminProject]:
    """The admin project on SQLite (tests that also run on PostgreSQL use ``any_project``)."""
    async with _loaded(f"sqlite+aiosqlite:///{tmp_path / 'admin.sqlite3'}") as loaded:
        yield loaded


@pytest.fixture(params=["sqlite", "postgresql"])
async def any_project(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AdminProject]:
    """The admin project on SQLite, then on PostgreSQL (required when CI=true)."""
    if request.param == "sqlite":
        async with _loaded(f"sqlite+aiosqlite:///{tmp_path / 'admin.sqlite3'}") as loaded:
            yield loaded
    else:
        async with postgres_database_for_test(prefix="covet_admin") as url, _loaded(url) as loaded:
            yield loaded
