"""The project `covet new` generates: its blog app ships an initial migration that `covet migrate` applies on a
fresh SQLite file and on PostgreSQL; a model change then migrates forward and back."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_MODELS = REPO_ROOT / "project_template" / "blog" / "models.py"

pytestmark = [
    pytest.mark.skipif(not TEMPLATE_MODELS.exists(), reason="the project template has no blog models yet"),
    pytest.mark.timeout(300),  # a dozen `covet` processes; generous for a loaded CI machine
]


def covet(cwd: Path, *args: str, database_url: str | None = None, expect: int = 0) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")])}
    env["COLUMNS"] = "200"
    env.pop("COVET_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    result = subprocess.run(
        [sys.executable, "-m", "covet", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=90
    )
    assert result.returncode == expect, (
        f"covet {' '.join(args)} -> {result.returncode}\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout + result.stderr


@pytest.fixture
def site(tmp_path: Path) -> Path:
    covet(tmp_path, "new", "mysite")
    return tmp_path / "mysite"


async def test_generated_blog_migrates_changes_and_goes_back(site: Path, database_url: str) -> None:
    # The template's default database is SQLite in the project directory; PostgreSQL comes in via DATABASE_URL.
    url = None if database_url.startswith("sqlite") else database_url.replace("+asyncpg", "")
    shipped = sorted((site / "blog" / "migrations").glob("0001_*.py"))
    assert len(shipped) == 1 and (site / "blog" / "migrations" / "__init__.py").exists()

    applied = covet(site, "migrate", database_url=url)
    assert re.search(r"Applied blog 0001_\w+ initial", applied)
    assert "No changes detected" in covet(site, "makemigrations", database_url=url)
    assert "CREATE TABLE blog_post" in covet(site, "sqlmigrate", "blog", "0001", database_url=url)

    models = site / "blog" / "models.py"
    models.write_text(
        models.read_text().replace(
            "class Post(Model):\n", "class Post(Model):\n    subtitle = CharField(max_length=80, default='')\n"
        )
    )
    changed = covet(site, "makemigrations", "blog", database_url=url)
    assert "+ column blog_post.subtitle" in changed
    assert "op.batch_alter_table('blog_post'" in sorted((site / "blog" / "migrations").glob("0002_*.py"))[0].read_text()
    assert re.search(r"Applied blog 0002_\w+", covet(site, "migrate", database_url=url))
    assert " [X] 0002_" in covet(site, "showmigrations", "blog", database_url=url)

    assert re.search(r"Unapplied blog 0002_\w+", covet(site, "migrate", "blog", "0001", database_url=url))
    assert " [ ] 0002_" in covet(site, "showmigrations", "blog", database_url=url)


SHELL_ADD_ROWS = """
from covet.auth.models import User
from blog.models import Post
ann = await User.objects.create(username="ann")
await Post.objects.create(title="Old one", body="written before the new columns", author=ann)
"""
SHELL_SHOW_ROW = """
from blog.models import Post
post = await Post.objects.get(title="Old one")
print("ROW", repr(post.subtitle), post.views, post.featured, await Post.objects.count())
"""
SHELL_COUNT_ROWS = """
from blog.models import Post
assert [post.title for post in await Post.objects.all()] == ["Old one"]
print("ROW")
"""


async def test_not_null_columns_with_defaults_are_added_to_a_table_with_rows(site: Path, database_url: str) -> None:
    url = None if database_url.startswith("sqlite") else database_url.replace("+asyncpg", "")
    covet(site, "migrate", database_url=url)
    covet(site, "shell", "-c", SHELL_ADD_ROWS, database_url=url)

    models = site / "blog" / "models.py"
    source = models.read_text().replace("CharField, DateTimeField", "CharField, DateTimeField, IntegerField")
    new_fields = (
        "    subtitle = CharField(max_length=80, default='')\n"
        "    views = IntegerField(default=7)\n"
        "    featured = BooleanField(default=True)\n"
    )
    models.write_text(source.replace("class Post(Model):\n", "class Post(Model):\n" + new_fields))
    changed = covet(site, "makemigrations", "blog", database_url=url)
    assert "+ column blog_post.subtitle" in changed and "Warning" not in changed
    migration = sorted((site / "blog" / "migrations").glob("0002_*.py"))[0].read_text()
    assert "server_default=''" in migration and "server_default=None" in migration  # filled, then dropped again

    assert re.search(r"Applied blog 0002_\w+", covet(site, "migrate", database_url=url))
    assert "ROW '' 7 True 1" in covet(site, "shell", "-c", SHELL_SHOW_ROW, database_url=url)
    # the schema now matches the models: no leftover server default shows up as a change
    assert "No changes detected" in covet(site, "makemigrations", database_url=url)
    assert re.search(r"Unapplied blog 0002_\w+", covet(site, "migrate", "blog", "0001", database_url=url))


async def test_not_null_column_without_a_default_is_flagged(site: Path, database_url: str) -> None:
    url = None if database_url.startswith("sqlite") else database_url.replace("+asyncpg", "")
    covet(site, "migrate", database_url=url)
    covet(site, "shell", "-c", SHELL_ADD_ROWS, database_url=url)
    models = site / "blog" / "models.py"
    original = models.read_text()
    models.write_text(
        original.replace("class Post(Model):\n", "class Post(Model):\n    code = CharField(max_length=5)\n")
    )
    changed = covet(site, "makemigrations", "blog", database_url=url)
    assert "Warning: Column blog_post.code is added as NOT NULL without a constant default" in changed
    assert "null=True" in changed
    # the warning was right: migrate refuses, and the row is still there afterwards
    failed = covet(site, "migrate", database_url=url, expect=1)
    assert "blog" in failed
    models.write_text(original)
    assert "ROW" in covet(site, "shell", "-c", SHELL_COUNT_ROWS, database_url=url)
