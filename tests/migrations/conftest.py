"""Fixtures for migration tests: real SQLite files and a throwaway PostgreSQL database per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from covet.migrations import MigrationApp, MigrationProject, make_migrations
from covet.migrations.autogenerate import PlannedRevision
from covet.orm.connections import create_engine_for
from covet.testing.databases import postgres_database_for_test

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}"
        return
    async with postgres_database_for_test(prefix="covet_mig") as url:
        yield url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """The engine Covet itself builds for this URL (with its SQLite tuning)."""
    engine = create_engine_for({"URL": database_url})
    yield engine
    await engine.dispose()


def build_metadata(version: int) -> sa.MetaData:
    """Two apps' tables; ``books_book`` references ``authors_author``. Later versions change the models."""
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    author_columns = [
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
    ]
    if version >= 3:
        author_columns.append(sa.Column("bio", sa.Text(), nullable=True))
    sa.Table("authors_author", metadata, *author_columns)
    book_columns = [
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(200) if version < 2 else sa.Text(), nullable=False),
        sa.Column("author_id", sa.ForeignKey("authors_author.id", ondelete="CASCADE"), nullable=False),
    ]
    if version >= 2:
        book_columns.append(sa.Column("slug", sa.String(50), nullable=True, index=True))
    sa.Table("books_book", metadata, *book_columns)
    return metadata


@pytest.fixture
def apps(tmp_path: Path) -> list[MigrationApp]:
    return [
        MigrationApp.for_package_dir("authors", tmp_path / "authors"),
        MigrationApp.for_package_dir("books", tmp_path / "books"),
    ]


@pytest.fixture
def project_at(apps: list[MigrationApp], engine: AsyncEngine) -> Callable[[int], MigrationProject]:
    """The project with its models at ``version`` (a model change is a new version of the MetaData)."""

    def build(version: int) -> MigrationProject:
        return MigrationProject(apps=apps, metadata=build_metadata(version), engine=engine)

    return build


class Schema:
    """Reads the live schema of the test database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def table_names(self) -> set[str]:
        async with self.engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: sa.inspect(sync).get_table_names()))

    async def columns(self, table: str) -> dict[str, Any]:
        async with self.engine.connect() as connection:
            columns = await connection.run_sync(lambda sync: sa.inspect(sync).get_columns(table))
        return {column["name"]: column["type"] for column in columns}


@pytest.fixture
def schema(engine: AsyncEngine) -> Schema:
    return Schema(engine)


HandWritten = Callable[..., Awaitable[PlannedRevision]]


@pytest.fixture
def hand_written() -> HandWritten:
    """Make an empty revision for an app and fill in its bodies, as a developer writing a data migration would."""

    async def write(
        project: MigrationProject, app: str, message: str, upgrade: Sequence[str], downgrade: Sequence[str] = ()
    ) -> PlannedRevision:
        [revision] = await make_migrations(project, app, message=message, empty=True)
        assert revision.path is not None
        source = revision.path.read_text()
        for name, lines in (("upgrade", upgrade), ("downgrade", downgrade)):
            if lines:
                body = "".join(f"    {line}\n" for line in lines)
                source = source.replace(f"def {name}() -> None:\n    pass\n", f"def {name}() -> None:\n{body}")
        revision.path.write_text(source)
        return revision

    return write
