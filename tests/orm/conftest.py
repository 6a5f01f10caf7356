"""ORM test fixtures: every test runs on SQLite (a temp file) and on PostgreSQL (a throwaway schema).

PostgreSQL at 127.0.0.1:5432 (db "test", user "postgres") is required when CI=true; elsewhere its tests
are skipped with the reason when the server isn't reachable. Tables are created once per session and
emptied after every test.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from covet.conf import settings
from covet.orm import close_all, get_engine
from covet.orm.registry import metadata

sys.path.insert(0, str(Path(__file__).resolve().parent))

if not settings.is_configured:
    settings.configure(SECRET_KEY="orm-tests-" + "x" * 40, INSTALLED_APPS=["orm_testapp"])

from orm_testapp import models

PG_HOST = os.environ.get("COVET_TEST_PG_HOST", "127.0.0.1")
PG_URL = f"postgresql+asyncpg://postgres@{PG_HOST}:5432/test"
APP_TABLES = [
    t
    for t in metadata.sorted_tables
    if t.info.get("covet_model") is not None and t.info["covet_model"].__module__ == models.__name__
]


def _run(coroutine: Any) -> Any:
    """Run a coroutine to completion on a fresh loop in a worker thread (fixtures may be set up inside a loop)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _postgres_reachable() -> str | None:
    import asyncpg

    async def probe() -> None:
        conn = await asyncpg.connect(host=PG_HOST, port=5432, user="postgres", database="test", timeout=3)
        await conn.close()

    try:
        _run(probe())
    except Exception as exc:  # any failure means "not usable here"
        return f"{type(exc).__name__}: {exc}"
    return None


async def _create_tables(url: str, connect_args: dict[str, Any], schema: str | None) -> None:
    engine = sa.ext.asyncio.create_async_engine(url, connect_args=connect_args)
    async with engine.begin() as conn:
        if schema:
            await conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        await conn.run_sync(lambda sync: metadata.create_all(sync, tables=APP_TABLES))
    await engine.dispose()


async def _drop_schema(schema: str) -> None:
    engine = sa.ext.asyncio.create_async_engine(PG_URL)
    async with engine.begin() as conn:
        await conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    await engine.dispose()


@pytest.fixture(scope="session")
def sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("orm") / "test.sqlite3"
    config = {"URL": f"sqlite+aiosqlite:///{path}"}
    _run(_create_tables(config["URL"], {}, None))
    return config


@pytest.fixture(scope="session")
def postgresql_database() -> Iterator[dict[str, Any]]:
    problem = _postgres_reachable()
    if problem is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {PG_HOST}:5432 is required when CI=true but unreachable ({problem}).")
        pytest.skip(f"PostgreSQL at {PG_HOST}:5432 isn't reachable ({problem}); set it up to run these tests.")
    schema = f"covet_orm_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    connect_args = {"server_settings": {"search_path": schema}}
    _run(_create_tables(PG_URL, connect_args, schema))
    try:
        yield {"URL": PG_URL, "CONNECT_ARGS": connect_args, "POOL_SIZE": 10, "MAX_OVERFLOW": 60}
    finally:
        _run(_drop_schema(schema))


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(autouse=True)
async def database(backend: str, request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """Point DATABASES["default"] at the backend for this test, then empty every table afterwards."""
    config = request.getfixturevalue(f"{backend}_database")
    databases = {"default": dict(config), "other": dict(config)}
    with settings.override(DATABASES=databases):
        try:
            yield backend
        finally:
            await _empty_tables()
            await close_all()


async def _empty_tables() -> None:
    engine = get_engine()
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in APP_TABLES)
            await conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in reversed(APP_TABLES):
                await conn.execute(table.delete())


class QueryLog:
    """SQL statements run while a ``count_queries()`` block is active."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)

    def __repr__(self) -> str:
        return "\n".join(self.statements)


@pytest.fixture
def count_queries() -> Any:
    """``with count_queries() as log: ...`` records the statements sent to the default database."""

    @contextmanager
    def counter() -> Iterator[QueryLog]:
        log = QueryLog()
        sync_engine = get_engine().sync_engine

        def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if (
                not statement.lstrip()
                .upper()
                .startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA"))
            ):
                log.statements.append(statement)

        event.listen(sync_engine, "before_cursor_execute", record)
        try:
            yield log
        finally:
            event.remove(sync_engine, "before_cursor_execute", record)

    return counter
