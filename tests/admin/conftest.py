"""Admin test fixtures: the test project (``admin_project``) on SQLite, or on SQLite and PostgreSQL."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

_HERE = Path(__file__).resolve().parent
for extra in (_HERE, _HERE.parent / "auth", _HERE.parent / "cache"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from admin_project import AdminProject, _loaded  # noqa: E402  (found through the paths above)
from auth_database import postgres_database  # noqa: E402
from live_services import require_postgres  # noqa: E402


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
        async with postgres_database(require_postgres()) as url, _loaded(url) as loaded:
            yield loaded
