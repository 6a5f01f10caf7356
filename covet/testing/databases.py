"""Throwaway PostgreSQL databases for tests: a uniquely named database, created empty and dropped afterwards.

Typical use in a pytest fixture (skipped when PostgreSQL is not running, a failure when ``CI=true``)::

    @pytest.fixture
    async def database_url() -> AsyncIterator[str]:
        async with postgres_database_for_test() as url:
            yield url

Outside pytest (a benchmark, a script), ``throwaway_postgres_database()`` raises ``PostgresUnavailable`` instead.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

# The server the throwaway databases are created on; its user must be allowed to CREATE DATABASE.
POSTGRES_URL_ENV = "COVET_TEST_POSTGRES"
DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


class PostgresUnavailable(RuntimeError):
    """PostgreSQL could not be reached (or asyncpg is not installed), so no database could be created."""


def postgres_server_url() -> str:
    """The server URL from ``COVET_TEST_POSTGRES``, else ``postgresql+asyncpg://postgres@127.0.0.1:5432/test``."""
    return os.environ.get(POSTGRES_URL_ENV) or DEFAULT_POSTGRES_URL


@asynccontextmanager
async def throwaway_postgres_database(
    server_url: str | None = None, *, prefix: str = "covet_test"
) -> AsyncIterator[str]:
    """Create an empty database named ``<prefix>_<random hex>`` on ``server_url``, yield its URL, drop it on exit.

    The URL yielded is ``server_url`` (default: ``postgres_server_url()``) with the database name replaced, so it
    keeps the driver given (``postgresql://`` or ``postgresql+asyncpg://``). The database is dropped even while
    connections to it are still open (``DROP DATABASE ... WITH (FORCE)``, PostgreSQL 13 or later).
    Raises ``PostgresUnavailable`` when the server cannot be reached.
    """
    import sqlalchemy as sa

    server = sa.make_url(server_url or postgres_server_url())
    admin = await _connect(server)
    name = f"{prefix}_{secrets.token_hex(6)}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@asynccontextmanager
async def postgres_database_for_test(
    server_url: str | None = None, *, prefix: str = "covet_test"
) -> AsyncIterator[str]:
    """``throwaway_postgres_database()`` inside a test: without PostgreSQL the test is skipped, or fails when the
    environment variable ``CI`` is ``true`` (where every test must run)."""
    import pytest

    try:
        async with throwaway_postgres_database(server_url, prefix=prefix) as url:
            yield url
    except PostgresUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{exc} CI=true requires PostgreSQL for this test.", pytrace=False)
        pytest.skip(f"{exc} (CI=true makes this a failure.)")


async def _connect(server: Any) -> Any:
    """An asyncpg connection to the server's own database, for CREATE/DROP DATABASE (which cannot run in a
    transaction, so not through SQLAlchemy's pool)."""
    shown = server.render_as_string(hide_password=True)
    try:
        import asyncpg
    except ImportError as exc:
        raise PostgresUnavailable(
            f"asyncpg is not installed, so no PostgreSQL database can be created ({exc}); "
            "install it with `pip install 'covet[postgres]'`."
        ) from exc
    plain = server.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        return await asyncpg.connect(plain, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        raise PostgresUnavailable(
            f"PostgreSQL at {shown} is unreachable ({exc}). Start it, or set {POSTGRES_URL_ENV} to the URL of a "
            "server whose user may CREATE DATABASE."
        ) from exc
