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
