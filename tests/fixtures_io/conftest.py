"""A SQLite file and a throwaway PostgreSQL database per test, for dumpdata/loaddata tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, nullcontext
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from covet.orm.connections import create_engine_for
from covet.testing.databases import postgres_database_for_test


@pytest.fixture(params=["sqlite", "postgresql"])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    database: AbstractAsyncContextManager[str] = (
        nullcontext(f"sqlite:///{tmp_path / 'db.sqlite3'}")
        if request.param == "sqlite"
        else postgres_database_for_test(prefix="covet_fx")
    )
    async with database as url:
        engine = create_engine_for({"URL": url})
        try:
            yield engine
        finally:
            await engine.dispose()
