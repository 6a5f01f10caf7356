"""A throwaway SQLite database, for comparing the models with what the migration files build.

``makemigrations`` compares the models with a database at the latest migrations. When the project's own
database is behind (a fresh checkout, a new project whose framework apps ship migrations), Covet builds a
scratch database from the migration files instead, so making migrations never requires applying them first.
Migration files are dialect-neutral (SQLAlchemy types, batch operations), so SQLite serves for any project.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

from sqlalchemy.ext.asyncio import create_async_engine

from .project import MigrationProject


@asynccontextmanager
async def scratch_project(project: MigrationProject) -> AsyncIterator[MigrationProject]:
    """``project`` on an empty SQLite file that is deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix="covet-makemigrations-") as directory:
        engine = create_async_engine(f"sqlite+aiosqlite:///{Path(directory) / 'scratch.sqlite3'}")
        try:
            yield replace(project, engine=engine)
        finally:
            await engine.dispose()
