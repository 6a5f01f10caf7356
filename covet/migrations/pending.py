"""Which migrations a database lacks: what `covet check`, `covet runserver` and the ORM's missing-table error report.

The revision files are read from the apps' ``migrations/`` directories; the database costs one query (the
version table). A SQLite file that doesn't exist yet lacks every migration and is not created by asking.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

from covet.exceptions import ImproperlyConfigured, migrate_command

from .apps import VERSION_TABLE, MigrationApp
from .config import build_config
from .history import AppHistory, applied_revisions

#: How long `covet check` waits for a database server before calling it unreachable.
CONNECT_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class PendingMigrations:
    """The migrations of ``database`` that exist as files but are not applied, per app label (oldest first)."""

    database: str
    by_app: dict[str, list[str]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(revisions) for revisions in self.by_app.values())

    @property
    def apps(self) -> list[str]:
        return list(self.by_app)

    @property
    def command(self) -> str:
        """The command that applies them."""
        return migrate_command(self.database)

    def summary(self) -> str:
        """One line in the manner of Django's runserver: how many, which apps, what to run."""
        return (
            f'You have {self.count} unapplied migration(s) in database "{self.database}": the project may not work '
            f"properly until the migrations of app(s) {', '.join(self.apps)} are applied. "
            f'Run "{self.command}" to apply them.'
        )


def unapplied_by_app(apps: Sequence[MigrationApp], applied_heads: Iterable[str]) -> dict[str, list[str]]:
    """App label -> its revisions not covered by ``applied_heads`` (the version table's rows), oldest first."""
    if not apps:
        return {}
    script_directory = ScriptDirectory.from_config(build_config(apps))
    applied = applied_revisions(script_directory, applied_heads)
    pending = {}
    for app in apps:
        missing = [s.revision for s in AppHistory(app, script_directory).revisions if s.revision not in applied]
        if missing:
            pending[app.label] = missing
    return pending


def _is_missing_file(engine: AsyncEngine) -> bool:
    url = engine.url
    return url.get_backend_name() == "sqlite" and not Path(url.database or "").exists()


async def applied_heads(engine: AsyncEngine) -> set[str]:
    """The version table's rows (one SELECT); empty when the table, or the SQLite file, doesn't exist yet."""
    from covet.orm.execution import missing_table

    if _is_missing_file(engine):
        return set()
    statement: sa.Select[str] = sa.select(sa.column("version_num", sa.String)).select_from(sa.table(VERSION_TABLE))
    try:
        async with engine.connect() as connection:
            return set((await connection.execute(statement)).scalars())
    except sa.exc.DBAPIError as exc:
        if missing_table(exc.orig) is None:
            raise
        return set()


async def pending_migrations(database: str = "default") -> PendingMigrations:
    """What ``database`` lacks, read on the ORM's engine of the running event loop."""
    from covet.orm.connections import get_engine

    from .project import installed_migration_apps

    apps = installed_migration_apps()
    return PendingMigrations(database, unapplied_by_app(apps, await applied_heads(get_engine(database))))


def pending_in_databases(
    aliases: Sequence[str], apps: Sequence[MigrationApp]
) -> dict[str, PendingMigrations | Exception]:
    """For each alias of settings.DATABASES, the pending migrations of ``apps`` or why they couldn't be read.

    For synchronous callers (the system checks): runs on a fresh event loop, in a worker thread when this
    thread already runs one, with throwaway engines that are closed afterwards.
    """
    from covet.orm.connections import create_engine_for, database_settings

    async def read(alias: str) -> PendingMigrations | Exception:
        try:
            engine = create_engine_for(database_settings(alias))
        except (ImproperlyConfigured, ImportError) as exc:  # an unsupported scheme, a driver not installed
            return exc
        try:
            heads = await asyncio.wait_for(applied_heads(engine), CONNECT_TIMEOUT_SECONDS)
        except (OSError, TimeoutError, sa.exc.DBAPIError) as exc:  # unreachable, refused, unknown database...
            return exc
        finally:
            await engine.dispose()
        return PendingMigrations(alias, unapplied_by_app(apps, heads))

    async def read_all() -> dict[str, PendingMigrations | Exception]:
        return {alias: await read(alias) for alias in aliases}

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(read_all())
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(lambda: asyncio.run(read_all())).result()
