"""A SQLite file and a throwaway PostgreSQL database per test, for dumpdata/loaddata tests."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

POSTGRES_ADMIN_URL = os.environ.get("COVET_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


async def _admin() -> Any:
    import asyncpg

    try:
        return await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"PostgreSQL at {POSTGRES_ADMIN_URL} is unreachable ({exc}); CI=true makes this a failure")


@pytest.fixture(params=["sqlite", "postgresql"])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    from covet.orm.connections import create_engine_for

    if request.param == "sqlite":
        engine = create_engine_for({"URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
        yield engine
        await engine.dispose()
        return
    admin = await _admin()
    name = f"covet_fx_{secrets.token_hex(6)}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    engine = create_engine_for({"URL": sa.make_url(POSTGRES_ADMIN_URL).set(database=name)})
    try:
        yield engine
    finally:
        await engine.dispose()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
