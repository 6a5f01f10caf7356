"""makemigrations, migrate, change the models, makemigrations, migrate, downgrade: on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from covet.migrations import (
    MigrationApp,
    MigrationError,
    MigrationProject,
    current_heads,
    make_migrations,
    merge_migrations,
    migrate,
    show_migrations,
    sql_migrate,
)

ProjectAt = Callable[[int], MigrationProject]


async def test_initial_revisions_go_to_each_apps_migrations_dir(project_at: ProjectAt) -> None:
    project = project_at(1)
    planned = await make_migrations(project)

    assert [(rev.app.label, rev.message) for rev in planned] == [("authors", "initial"), ("books", "initial")]
    authors, books = planned
    assert [str(change) for change in authors.changes] == ["+ table authors_author"]
    assert [str(change) for change in books.changes] == ["+ table books_book"]
    for revision in planned:
        assert revision.path is not None and revision.path.parent == revision.app.directory
        assert (revision.app.directory / "__init__.py").exists()
        assert revision.revision.startswith("0001_")
    # The book table's foreign key makes the books branch depend on the authors revision.
    assert books.depends_on == [authors.revision]
    books_source = books.path.read_text()  # type: ignore[union-attr]
    assert "branch_labels: str | Sequence[str] | None = ('books',)" in books_source
    assert f"depends_on: str | Sequence[str] | None = '{authors.revision}'" in books_source


async def test_migrate_creates_tables_and_second_run_finds_no_changes(project_at: ProjectAt, schema: Any) -> None:
    project = project_at(1)
    await make_migrations(project)
    applied = []
    steps = await migrate(project, on_step=applied.append)

    assert [(step.app_label, step.upgrade) for step in steps] == [("authors", True), ("books", True)]
    assert applied == steps
    assert {"authors_author", "books_book", "alembic_version"} <= await schema.table_names()
    assert await make_migrations(project) == []
    assert await migrate(project) == []


async def test_model_change_produces_batch_alter_and_migrate_applies_it(project_at: ProjectAt, schema: Any) -> None:
    await make_migrations(project_at(1))
    await migrate(project_at(1))

    changed = project_at(2)
    [revision] = await make_migrations(changed)

    assert revision.app.label == "books" and revision.revision.startswith("0002_")
    described = [str(change) for change in revision.changes]
    assert "+ column books_book.slug" in described
    assert any(change.startswith("~ column books_book.title (type VARCHAR(200) -> TEXT") for change in described)
    assert "+ index ix_books_book_slug on books_book (slug)" in described
    source = revision.path.read_text()  # type: ignore[union-attr]
    assert "with op.batch_alter_table('books_book'" in source
    assert "batch_op.add_column(sa.Column('slug', sa.String(length=50), nullable=True))" in source

    await migrate(changed)
    columns = await schema.columns("books_book")
    assert "slug" in columns
    assert isinstance(columns["title"], sa.Text)
    assert await make_migrations(changed) == []


async def test_downgrade_to_a_revision_and_to_zero(project_at: ProjectAt, schema: Any) -> None:
    await make_migrations(project_at(1))
    await migrate(project_at(1))
    changed = project_at(2)
    await make_migrations(changed)
    await migrate(changed)

    steps = await migrate(changed, "books", "0001")
    assert [(step.app_label, step.revision[:4], step.upgrade) for step in steps] == [("books", "0002", False)]
    assert "slug" not in await schema.columns("books_book")

    # Unapplying the authors app also unapplies the books revision that depends on it.
    steps = await migrate(changed, "authors", "zero")
    assert {(step.app_label, step.upgrade) for step in steps} == {("books", False), ("authors", False)}
    assert not {"authors_author", "books_book"} & await schema.table_names()

    # And forward again to a named revision.
    await migrate(changed, "books", "0002")
    assert "slug" in await schema.columns("books_book")


async def test_show_migrations_marks_applied_revisions(project_at: ProjectAt) -> None:
    await make_migrations(project_at(1))
    await migrate(project_at(1))
    await make_migrations(project_at(2))

    status = {
        app.label: [(rev.revision[:4], rev.applied) for rev in app.revisions]
        for app in await show_migrations(project_at(2))
    }
    assert status == {"authors": [("0001", True)], "books": [("0001", True), ("0002", False)]}


async def test_sqlmigrate_prints_the_sql_without_touching_the_database(project_at: ProjectAt, schema: Any) -> None:
    project = project_at(1)
    await make_migrations(project)

    sql = await sql_migrate(project, "books", "0001")

    assert sql.startswith("-- books 0001_")
    assert "CREATE TABLE books_book" in sql
    assert "REFERENCES authors_author (id) ON DELETE CASCADE" in sql
    assert "DROP TABLE books_book" in await sql_migrate(project, "books", "0001", backwards=True)
    assert "books_book" not in await schema.table_names()


async def test_sqlmigrate_shows_a_table_rebuild(project_at: ProjectAt, schema: Any, database_url: str) -> None:
    await make_migrations(project_at(1))
    changed = project_at(2)
    await make_migrations(changed)  # title VARCHAR(200) -> TEXT: SQLite rebuilds the table

    sql = await sql_migrate(changed, "books", "0002")

    if database_url.startswith("sqlite"):
        # Printed from a scratch database: the rebuild copies the rows into a new table.
        assert "captured on a scratch SQLite database" in sql
        assert "CREATE TABLE _alembic_tmp_books_book" in sql
        assert "INSERT INTO _alembic_tmp_books_book" in sql and "ALTER TABLE _alembic_tmp_books_book RENAME" in sql
    else:
        assert "ALTER TABLE books_book ALTER COLUMN title TYPE TEXT" in sql
    assert "CREATE INDEX ix_books_book_slug" in sql
    assert "alembic_version" not in sql
    assert not {"authors_author", "books_book"} & await schema.table_names()  # the project's database is untouched


async def test_makemigrations_for_one_app_leaves_the_others_alone(project_at: ProjectAt) -> None:
    await make_migrations(project_at(1))
    await migrate(project_at(1))

    # Version 3 changes both apps; only "authors" is asked for.
    [revision] = await make_migrations(project_at(3), "authors", message="author bio")

    assert revision.app.label == "authors" and revision.message == "author bio"
    assert [str(change) for change in revision.changes] == ["+ column authors_author.bio"]
    assert revision.path is not None and revision.path.name.endswith("_author_bio.py")


async def test_empty_revision_carries_a_data_migration(
    project_at: ProjectAt, engine: AsyncEngine, hand_written: Any
) -> None:
    project = project_at(1)
    await make_migrations(project)
    revision = await hand_written(
        project,
        "authors",
        "seed authors",
        upgrade=[
            "authors = sa.table('authors_author', sa.column('id', sa.Integer), sa.column('name', sa.String))",
            "op.bulk_insert(authors, [{'id': 1, 'name': 'Ada'}, {'id': 2, 'name': 'Grace'}])",
            "op.execute(authors.update().where(authors.c.id == 2).values(name='Grace Hopper'))",
        ],
        downgrade=["op.execute('DELETE FROM authors_author')"],
    )
    assert revision.changes == [] and revision.revision.startswith("0002_")

    await migrate(project)
    async with engine.connect() as connection:
        rows = (await connection.execute(sa.text("SELECT id, name FROM authors_author ORDER BY id"))).all()
    assert [tuple(row) for row in rows] == [(1, "Ada"), (2, "Grace Hopper")]

    await migrate(project, "authors", "0001")
    async with engine.connect() as connection:
        assert (await connection.execute(sa.text("SELECT count(*) FROM authors_author"))).scalar() == 0


async def test_makemigrations_compares_with_a_scratch_database_when_the_database_is_behind(
    project_at: ProjectAt, schema: Any
) -> None:
    await make_migrations(project_at(1))  # written, not applied
    notes: list[str] = []

    [revision] = await make_migrations(project_at(2), on_note=notes.append)

    assert revision.app.label == "books" and "+ column books_book.slug" in [str(c) for c in revision.changes]
    assert "compared with a scratch database built from the migration files" in notes[0]
    assert not {"authors_author", "books_book"} & await schema.table_names()  # the real database is untouched
    assert len(await migrate(project_at(2))) == 3


async def test_a_scratch_database_that_cannot_be_built_is_explained(project_at: ProjectAt, hand_written: Any) -> None:
    project = project_at(1)
    await make_migrations(project)
    await hand_written(
        project, "authors", "needs a server function", upgrade=["op.execute('SELECT no_such_function()')"]
    )
    with pytest.raises(MigrationError) as caught:
        await make_migrations(project_at(2))
    assert "apply them with `covet migrate` first" in str(caught.value)
    assert "scratch SQLite database could not be built" in str(caught.value)


async def test_bad_app_and_revision_names_get_clear_errors(project_at: ProjectAt) -> None:
    project = project_at(1)
    await make_migrations(project)
    with pytest.raises(MigrationError, match=r"No installed app with label 'nope'\. Installed apps: authors, books"):
        await migrate(project, "nope")
    with pytest.raises(MigrationError, match=r"App 'books' has no migration '0009'\. Its migrations: 0001_"):
        await migrate(project, "books", "0009")
    with pytest.raises(MigrationError, match="--empty needs an app"):
        await make_migrations(project, empty=True)
    with pytest.raises(MigrationError, match="needs its app"):
        await migrate(project, None, "0001")
    assert await current_heads(project) == set()


async def test_foreign_key_to_an_app_without_migrations_is_explained(project_at: ProjectAt) -> None:
    with pytest.raises(MigrationError, match="Run `covet makemigrations authors` first"):
        await make_migrations(project_at(1), "books")
    assert not project_at(1).apps[1].directory.exists()


async def test_dry_run_reports_changes_and_writes_nothing(project_at: ProjectAt, schema: Any) -> None:
    planned = await make_migrations(project_at(1), dry_run=True)

    assert [(revision.app.label, revision.path) for revision in planned] == [("authors", None), ("books", None)]
    assert [str(change) for change in planned[1].changes] == ["+ table books_book"]
    assert not any(app.directory.exists() for app in project_at(1).apps)
    assert "books_book" not in await schema.table_names()


async def test_fake_migrate_records_revisions_without_running_them(project_at: ProjectAt, schema: Any) -> None:
    project = project_at(1)
    await make_migrations(project)

    steps = await migrate(project, fake=True)

    assert steps and all(step.faked for step in steps)
    assert not {"authors_author", "books_book"} & await schema.table_names()
    assert all(rev.applied for app in await show_migrations(project) for rev in app.revisions)
    await migrate(project, "books", "zero", fake=True)
    status = {app.label: [rev.applied for rev in app.revisions] for app in await show_migrations(project)}
    assert status == {"authors": [True], "books": [False]}


async def test_two_latest_migrations_of_one_app_are_refused(project_at: ProjectAt) -> None:
    project = project_at(1)
    [initial, _] = await make_migrations(project)
    [second] = await make_migrations(project, "authors", message="mine", empty=True)
    assert second.path is not None
    # A teammate's migration made on another branch from the same parent.
    twin = second.path.with_name(second.path.name.replace(second.revision, "0002_f00d00"))
    twin.write_text(second.path.read_text().replace(second.revision, "0002_f00d00"))

    with pytest.raises(MigrationError, match=r"App 'authors' has several latest migrations \(0002_") as caught:
        await make_migrations(project, "authors", empty=True)
    assert "covet makemigrations authors --merge" in str(caught.value)

    merged = merge_migrations(project, "authors")
    assert merged.revision.startswith("0003_") and merged.path is not None
    assert "0002_f00d00" in merged.path.read_text() and second.revision in merged.path.read_text()
    steps = await migrate(project)
    applied = {step.revision for step in steps if step.app_label == "authors"}
    assert applied == {initial.revision, second.revision, "0002_f00d00", merged.revision}
    with pytest.raises(MigrationError, match="nothing to merge"):
        merge_migrations(project, "authors")


async def test_packaged_apps_get_migrations_only_when_named(project_at: ProjectAt, apps: list[MigrationApp]) -> None:
    # "authors" stands for an app like covet.auth, whose migrations ship inside its package.
    packaged = [replace(apps[0], editable=False), apps[1]]
    project = replace(project_at(1), apps=packaged)
    [authors] = await make_migrations(project, "authors")
    await migrate(project)

    changed = replace(project_at(3), apps=packaged)
    [books] = await make_migrations(changed)  # authors_author.bio changed too, but authors is packaged

    assert books.app.label == "books" and authors.app.label == "authors"
    assert [str(change) for change in (await make_migrations(changed, "authors", dry_run=True))[0].changes] == [
        "+ column authors_author.bio"
    ]
