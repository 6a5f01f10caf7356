"""A revision that fails part-way: PostgreSQL stays at the previous revision; SQLite says what may be left."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from covet.migrations import (
    MigrationError,
    MigrationFailed,
    MigrationProject,
    current_heads,
    make_migrations,
    migrate,
    show_migrations,
)

FAILING_UPGRADE = [
    "op.create_table('books_scratch', sa.Column('id', sa.Integer, primary_key=True))",
    "op.add_column('books_book', sa.Column('pages', sa.Integer))",
    "op.execute('SELECT * FROM no_such_table')",
]


async def test_failing_revision_leaves_the_database_at_the_previous_revision(
    project_at: Callable[[int], MigrationProject], schema: Any, database_url: str, hand_written: Any
) -> None:
    project = project_at(1)
    initial = {revision.app.label: revision.revision for revision in await make_migrations(project)}
    broken = await hand_written(project, "books", "broken", upgrade=FAILING_UPGRADE)

    applied: list[str] = []
    with pytest.raises(MigrationFailed) as caught:
        await migrate(project, on_step=lambda step: applied.append(step.revision))

    error = caught.value
    assert error.revision == broken.revision
    assert f"Migration 'books {broken.revision}' failed (at {broken.path}, line " in str(error)
    assert "no_such_table" in str(error)
    # The revisions before the broken one were applied and stay applied.
    assert applied == [initial["authors"], initial["books"]]
    assert initial["books"] in error.heads
    assert error.heads == await current_heads(project)
    status = {app.label: {rev.revision: rev.applied for rev in app.revisions} for app in await show_migrations(project)}
    assert status["books"] == {initial["books"]: True, broken.revision: False}
    if database_url.startswith("postgresql"):
        assert "Its changes were rolled back" in str(error)
    else:
        assert "may be partially migrated" in str(error)
    # Covet runs each revision in a transaction (SQLite's DDL is transactional too with Covet's engine setup), so
    # nothing of the broken revision remains.
    assert "books_scratch" not in await schema.table_names()
    assert "pages" not in await schema.columns("books_book")


async def test_dangling_foreign_key_from_a_data_migration_is_reported(
    project_at: Callable[[int], MigrationProject], database_url: str, hand_written: Any
) -> None:
    project = project_at(1)
    await make_migrations(project)
    upgrade = ["op.execute(\"INSERT INTO books_book (id, title, author_id) VALUES (1, 'Orphan', 999)\")"]
    data = await hand_written(project, "books", "orphan", upgrade=upgrade)
    if database_url.startswith("postgresql"):
        # PostgreSQL enforces the foreign key inside the migration: it fails and is rolled back.
        with pytest.raises(
            MigrationFailed, match=f"Migration 'books {data.revision}' failed \\(at .*\\): IntegrityError"
        ):
            await migrate(project)
        assert data.revision not in await current_heads(project)
    else:
        # SQLite migrates with foreign keys off (table rebuilds need it) and checks them afterwards.
        with pytest.raises(MigrationError, match="rows in books_book now reference rows that do not exist"):
            await migrate(project)
        assert data.revision in await current_heads(project)


async def test_concurrent_migrate_calls_in_one_process_take_turns(
    project_at: Callable[[int], MigrationProject], database_url: str, schema: Any
) -> None:
    from dataclasses import replace

    from sqlalchemy.ext.asyncio import create_async_engine

    project = project_at(1)
    await make_migrations(project)
    other_engine = create_async_engine(database_url)
    try:
        first, second = await asyncio.gather(migrate(project), migrate(replace(project, engine=other_engine)))
    finally:
        await other_engine.dispose()

    # One call applied both revisions; the other ran after it and found nothing left to do.
    assert sorted([len(first), len(second)]) == [0, 2]
    assert {"authors_author", "books_book"} <= await schema.table_names()
