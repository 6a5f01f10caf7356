"""The migration commands end to end: a real project on disk with two apps, run as `python -m covet` processes."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from covet.testing.project_env import project_environment

REPO_ROOT = Path(__file__).resolve().parents[2]

# Each test runs several `covet` processes; generous for a loaded CI machine.
pytestmark = pytest.mark.timeout(300)

AUTHORS_MODELS = """
from covet.orm import CharField, Model


class Author(Model):
    name = CharField(max_length=100)
"""

BOOKS_MODELS = """
from covet.orm import CASCADE, CharField, ForeignKey, Model


class Book(Model):
    title = CharField(max_length=200)
    author = ForeignKey("authors.Author", on_delete=CASCADE, related_name="books")
"""

BOOKS_MODELS_CHANGED = """
from covet.orm import CASCADE, ForeignKey, Model, SlugField, TextField


class Book(Model):
    title = TextField()
    slug = SlugField(null=True, db_index=True)
    author = ForeignKey("authors.Author", on_delete=CASCADE, related_name="books")
"""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip())


class Project:
    """A throwaway Covet project with the apps ``authors`` and ``books`` (books -> authors foreign key)."""

    def __init__(self, root: Path, database_url: str) -> None:
        self.root = root
        self.database_url = database_url
        write(root / "pyproject.toml", '[project]\nname = "site"\n\n[tool.covet]\nsettings = "site_config.settings"\n')
        write(root / "site_config" / "__init__.py", "")
        write(
            root / "site_config" / "settings.py",
            """
            import os

            SECRET_KEY = "test-only-" + "x" * 40
            DEBUG = True
            INSTALLED_APPS = ["authors", "books"]
            DATABASES = {"default": {"URL": os.environ["TEST_DATABASE_URL"]}}
            """,
        )
        for app, models in (("authors", AUTHORS_MODELS), ("books", BOOKS_MODELS)):
            write(root / app / "__init__.py", "")
            write(root / app / "models.py", models)

    def environment(self, env: dict[str, str] | None = None) -> dict[str, str]:
        extra = {"TEST_DATABASE_URL": self.database_url, "COLUMNS": "200", **(env or {})}
        return project_environment(extra, python_path=[REPO_ROOT])

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "covet", *args],
            cwd=self.root,
            env=self.environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def covet(self, *args: str, expect: int = 0, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "covet", *args],
            cwd=self.root,
            env=self.environment(env),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == expect, (
            f"covet {' '.join(args)} -> {result.returncode}\n{result.stdout}\n{result.stderr}"
        )
        return result

    def migration_files(self, app: str) -> list[Path]:
        return sorted((self.root / app / "migrations").glob("0*.py"))


@pytest.fixture
def project(tmp_path: Path, database_url: str) -> Project:
    orm = pytest.importorskip("covet.orm", reason="the ORM package is not importable yet")
    if not hasattr(orm, "Model"):
        pytest.skip("covet.orm does not export Model yet")
    return Project(tmp_path / "site", database_url)


async def tables_and_columns(url: str) -> dict[str, set[str]]:
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:

            def read(sync: sa.Connection) -> dict[str, set[str]]:
                inspector = sa.inspect(sync)
                return {t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()}

            return await connection.run_sync(read)
    finally:
        await engine.dispose()


async def test_makemigrations_migrate_change_and_downgrade_through_the_cli(project: Project) -> None:
    made = project.covet("makemigrations")
    assert "Migrations for authors:" in made.stdout and "Migrations for books:" in made.stdout
    assert "+ table authors_author" in made.stdout and "+ table books_book" in made.stdout
    [authors_initial] = project.migration_files("authors")
    [books_initial] = project.migration_files("books")
    assert (project.root / "books" / "migrations" / "__init__.py").exists()
    assert authors_initial.stem.split("_")[1] in books_initial.read_text()  # depends_on the authors revision

    migrated = project.covet("migrate")
    assert "Applied authors 0001_" in migrated.stdout and "Applied books 0001_" in migrated.stdout
    schema = await tables_and_columns(project.database_url)
    assert {"id", "name"} <= schema["authors_author"]
    assert {"id", "title", "author_id"} <= schema["books_book"]

    assert "No changes detected" in project.covet("makemigrations").stdout
    assert "No migrations to apply." in project.covet("migrate").stdout

    write(project.root / "books" / "models.py", BOOKS_MODELS_CHANGED)
    changed = project.covet("makemigrations", "books", "-m", "slug")
    assert "+ column books_book.slug" in changed.stdout
    assert "~ column books_book.title (type VARCHAR(200) -> TEXT" in changed.stdout
    assert "+ index ix_books_book_slug on books_book (slug)" in changed.stdout
    second = project.migration_files("books")[-1]
    assert second.name.startswith("0002_") and second.name.endswith("_slug.py")
    assert "op.batch_alter_table('books_book'" in second.read_text()

    shown = project.covet("showmigrations").stdout
    assert f" [X] {books_initial.stem.rsplit('_', 1)[0]} initial" in shown
    assert " [ ] 0002_" in shown

    project.covet("migrate", "books")
    assert "slug" in (await tables_and_columns(project.database_url))["books_book"]
    assert " [ ] " not in project.covet("showmigrations", "books").stdout

    sql = project.covet("sqlmigrate", "books", "0001").stdout
    assert "CREATE TABLE books_book" in sql

    back = project.covet("migrate", "books", "0001")
    assert "Unapplied books 0002_" in back.stdout
    assert "slug" not in (await tables_and_columns(project.database_url))["books_book"]

    project.covet("migrate", "authors", "zero")
    assert not {"authors_author", "books_book"} & set(await tables_and_columns(project.database_url))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_cli_errors_are_one_line_and_exit_nonzero(project: Project) -> None:
    failed = project.covet("migrate", "nope", expect=1)
    assert "No installed app with label 'nope'. Installed apps: authors, books." in failed.stderr
    assert "Traceback" not in failed.stderr
    assert "--empty needs an app" in project.covet("makemigrations", "--empty", expect=1).stderr
    checked = project.covet("makemigrations", "--check", expect=1)
    assert "+ table books_book" in checked.stdout and "(not written)" in checked.stdout
    assert "changes without a migration" in checked.stderr
    assert not (project.root / "books" / "migrations").exists()
    project.covet("makemigrations")
    behind = project.covet("makemigrations")
    assert "No changes detected" in behind.stdout and "compared with a scratch database" in behind.stderr
    faked = project.covet("migrate", "--fake")
    assert "Faked applying books 0001_" in faked.stdout
    assert "No changes detected" not in project.covet("makemigrations", "--check", expect=1).stdout
    assert "has no migration '0042'" in project.covet("sqlmigrate", "books", "0042", expect=1).stderr


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    "unusable_url",
    [
        "postgresql://postgres:secret@127.0.0.1:1/nowhere",
        "postgresql://postgres:secret@127.0.0.1:5432/covet_no_such_database",
        "sqlite:////nonexistent-directory/db.sqlite3",
    ],
)
async def test_an_unreachable_database_is_explained(project: Project, unusable_url: str) -> None:
    project.database_url = unusable_url
    failed = project.covet("showmigrations", expect=1)
    assert "Can't use the database" in failed.stderr and "Check the URL" in failed.stderr
    assert "secret" not in failed.stderr  # the password is masked
    assert "Traceback" not in failed.stderr


async def test_dbshell_runs_the_client_and_explains_a_missing_one(project: Project, tmp_path: Path) -> None:
    project.covet("makemigrations")
    project.covet("migrate")
    client = "sqlite3" if project.database_url.startswith("sqlite") else "psql"
    if shutil.which(client) is None:
        pytest.skip(f"the {client} client is not installed here")
    query = ["SELECT 40 + 2 AS answer;"] if client == "sqlite3" else ["-At", "-c", "SELECT 40 + 2"]
    assert project.covet("dbshell", "--", *query).stdout.strip().endswith("42")

    empty_path = tmp_path / "empty-bin"
    empty_path.mkdir()
    missing = project.covet("dbshell", expect=1, env={"PATH": str(empty_path)})
    assert f"The {client} client is not on PATH" in missing.stderr


async def run_sql(url: str, *statements: str) -> list[tuple[object, ...]]:
    """Run statements in one transaction; the rows of the last one."""
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            rows: list[tuple[object, ...]] = []
            for statement in statements:
                result = await connection.execute(sa.text(statement))
                rows = [tuple(row) for row in result] if result.returns_rows else []
            return rows
    finally:
        await engine.dispose()


# The fixture code itself runs on both databases in tests/fixtures_io; here the commands' plumbing is under test.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_dumpdata_and_loaddata_through_the_cli(project: Project) -> None:
    import json

    project.covet("makemigrations")
    project.covet("migrate")
    await run_sql(
        project.database_url,
        "INSERT INTO authors_author (id, name) VALUES (1, 'Ada'), (2, 'Grace')",
        "INSERT INTO books_book (id, title, author_id) VALUES (10, 'Notes', 1), (11, 'COBOL', 2)",
    )
    dumped = project.covet("dumpdata", "-o", "all.json", "--indent", "4")
    assert "Dumped 4 objects to all.json" in dumped.stderr
    text = (project.root / "all.json").read_text()
    assert '\n    {\n        "model": "authors.author"' in text
    assert json.loads(project.covet("dumpdata", "books.Book").stdout) == [
        {"model": "books.book", "pk": 10, "fields": {"title": "Notes", "author": 1}},
        {"model": "books.book", "pk": 11, "fields": {"title": "COBOL", "author": 2}},
    ]

    await run_sql(project.database_url, "DELETE FROM books_book", "DELETE FROM authors_author")
    (project.root / "broken.json").write_text(text.replace('"Notes"', '"Notes",,'))
    broken = project.covet("loaddata", "broken.json", expect=1)
    assert "broken.json is not valid JSON" in broken.stderr
    assert await run_sql(project.database_url, "SELECT count(*) FROM authors_author") == [(0,)]

    loaded = project.covet("loaddata", "all.json")
    assert "Installed 4 objects from all.json" in loaded.stdout
    rows = await run_sql(
        project.database_url,
        "SELECT b.id, b.title, a.name FROM books_book b JOIN authors_author a ON a.id = b.author_id ORDER BY b.id",
    )
    assert rows == [(10, "Notes", "Ada"), (11, "COBOL", "Grace")]
    unknown = project.covet("dumpdata", "books.Nope", expect=1)
    assert "Unknown model 'books.Nope'. Models of the installed apps: authors.author, books.book." in unknown.stderr


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_instances_migrating_at_once_take_turns_on_postgresql(project: Project) -> None:
    project.covet("makemigrations")
    # Two instances of the site deploying at the same moment, each running `covet migrate`.
    runs = [project.start("migrate") for _ in range(2)]
    outputs = [run.communicate(timeout=90) for run in runs]

    assert [run.returncode for run in runs] == [0, 0], outputs
    stdouts = sorted(stdout for stdout, _ in outputs)
    assert "No migrations to apply." in stdouts[1] or "No migrations to apply." in stdouts[0]
    assert sum(stdout.count("Applied ") for stdout in stdouts) == 2  # each revision applied exactly once
