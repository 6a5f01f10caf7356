"""A fresh database with covet.auth's real migration applied (a SQLite file, or a throwaway PostgreSQL database)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import sqlalchemy as sa

import covet.auth
from covet.conf import settings
from covet.migrations import MigrationApp, MigrationProject, migrate
from covet.orm import close_all, get_engine
from covet.orm.registry import metadata

AUTH_DIR = Path(covet.auth.__file__).resolve().parent


@asynccontextmanager
async def migrated(url: str) -> AsyncIterator[None]:
    """Settings pointing at ``url``, with the auth migrations applied; engines closed afterwards."""
    with settings.override(DATABASES={"default": {"URL": url}}):
        await close_all()
        from covet.auth.models import Group, Permission, StoredSession, User

        owners = {model._meta.db_table: "auth" for model in (Group, Permission, StoredSession, User)}
        project = MigrationProject(
            apps=[MigrationApp.for_package_dir("auth", AUTH_DIR)],
            metadata=metadata,
            engine=get_engine("default"),
            table_owners=owners,
        )
        await migrate(project)
        try:
            yield
        finally:
            await close_all()


async def table_names() -> set[str]:
    async with get_engine("default").connect() as conn:
        return set(await conn.run_sync(lambda sync: sa.inspect(sync).get_table_names()))
