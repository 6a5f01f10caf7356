"""Form test fixtures: settings, and for the ModelForm tests a database on SQLite (a temp file) and on
PostgreSQL (a throwaway schema; required when CI=true, skipped with the reason elsewhere when unreachable)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy.ext.asyncio

from covet.conf import settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

if not settings.is_configured:
    settings.configure(SECRET_KEY="forms-tests-" + "x" * 40, ALLOWED_HOSTS=["testserver"])

from forms_testapp import models

from covet.orm import close_all, get_engine
from covet.orm.registry import metadata

PG_HOST = os.environ.get("COVET_TEST_PG_HOST", "127.0.0.1")
PG_URL = f"postgresql+asyncpg://postgres@{PG_HOST}:5432/test"
TABLES = [table for table in metadata.sorted_tables if table.name.startswith("forms_testapp_")]


def _run(coroutine: Any) -> Any:
    """Run a coroutine on a fresh loop in a worker thread (session fixtures are set up outside the test loop)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _execute(url: str, *, connect_args: dict[str, Any] | None = None, sql: str = "", create: bool) -> None:
    engine = sqlalchemy.ext.asyncio.create_async_engine(url, connect_args=connect_args or {})
    try:
        async with engine.begin() as conn:
            if sql:
                await conn.exec_driver_sql(sql)
            if create:
                await conn.run_sync(lambda sync: metadata.create_all(sync, tables=TABLES))
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('forms') / 'forms.sqlite3'}"
    _run(_execute(url, create=True))
    return {"URL": url}


@pytest.fixture(scope="session")
def postgresql_database() -> Iterator[dict[str, Any]]:
    try:
        _run(_execute(PG_URL, sql="SELECT 1", create=False))
    except Exception as exc:  # any failure means the server is not usable here
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {PG_HOST}:5432 is required when CI=true but unreachable ({exc}).")
        pytest.skip(f"PostgreSQL at {PG_HOST}:5432 isn't reachable ({exc}); start it to run these tests.")
    schema = f"covet_forms_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    connect_args = {"server_settings": {"search_path": schema}}
    _run(_execute(PG_URL, connect_args=connect_args, sql=f'CREATE SCHEMA "{schema}"', create=True))
    try:
        yield {"URL": PG_URL, "CONNECT_ARGS": connect_args}
    finally:
        _run(_execute(PG_URL, sql=f'DROP SCHEMA IF EXISTS "{schema}" CASCADE', create=False))


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """DATABASES["default"] on the backend of this test run; every table emptied afterwards."""
    config = request.getfixturevalue(f"{request.param}_database")
    with settings.override(DATABASES={"default": dict(config)}):
        try:
            yield str(request.param)
        finally:
            engine = get_engine()
            async with engine.begin() as conn:
                for table in reversed(TABLES):
                    await conn.execute(table.delete())
            await close_all()


__all__ = ["models"]
