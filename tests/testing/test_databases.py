"""covet.testing.databases against the real PostgreSQL: a fresh database that is gone afterwards, and what happens
when no server answers."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from covet.testing.databases import (
    PostgresUnavailable,
    postgres_database_for_test,
    postgres_server_url,
    throwaway_postgres_database,
)
from covet.testing.server_process import free_port

DEAD_SERVER = f"postgresql://postgres@127.0.0.1:{free_port()}/test"


async def database_names() -> set[str]:
    engine = create_async_engine(sa.make_url(postgres_server_url()).set(drivername="postgresql+asyncpg"))
    try:
        async with engine.connect() as connection:
            result = await connection.exec_driver_sql("SELECT datname FROM pg_database")
            return {row[0] for row in result}
    finally:
        await engine.dispose()


async def test_a_fresh_empty_database_is_created_and_dropped() -> None:
    async with postgres_database_for_test(prefix="covet_dbtest") as url:
        name = sa.make_url(url).database
        assert name is not None and name.startswith("covet_dbtest_")
        assert name in await database_names()
        engine = create_async_engine(url)
        async with engine.begin() as connection:
            tables = await connection.exec_driver_sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            assert tables.scalar() == 0
            await connection.exec_driver_sql("CREATE TABLE kept_open (id integer)")
        # a connection still open does not stop the drop
        still_open = await engine.connect()
    assert name not in await database_names()
    with pytest.raises(sa.exc.DBAPIError):  # the server ended that connection when it dropped the database
        await still_open.exec_driver_sql("SELECT 1")
    await engine.dispose()


async def test_the_url_keeps_the_driver_it_was_given() -> None:
    plain = sa.make_url(postgres_server_url()).set(drivername="postgresql").render_as_string(hide_password=False)
    async with postgres_database_for_test(plain) as url:
        assert url.startswith("postgresql://")
    async with postgres_database_for_test() as url:
        assert sa.make_url(url).drivername == sa.make_url(postgres_server_url()).drivername


async def test_an_unreachable_server_is_an_error_that_names_it() -> None:
    with pytest.raises(PostgresUnavailable, match=r"127\.0\.0\.1.*unreachable.*COVET_TEST_POSTGRES"):
        async with throwaway_postgres_database(DEAD_SERVER):
            pass


async def test_in_a_test_an_unreachable_server_skips(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="CI=true makes this a failure"):
        async with postgres_database_for_test(DEAD_SERVER):
            pass


async def test_under_ci_an_unreachable_server_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true requires PostgreSQL"):
        async with postgres_database_for_test(DEAD_SERVER):
            pass
