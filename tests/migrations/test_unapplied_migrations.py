"""A generated project before and after `covet migrate`, on a real SQLite file and a throwaway PostgreSQL database:
`covet check` warns about the unapplied migrations, and a page that queries a missing table explains itself on
the DEBUG error page (a plain 500 with a request id otherwise)."""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from covet.cli import call_command, cli
from covet.conf.discovery import SETTINGS_ENV_VAR
from covet.conf.environ import ENV_OVERRIDES
from covet.testing.isolation import isolated_globals

pytestmark = pytest.mark.timeout(300)

_names = itertools.count()
EVERY_APP = "auth, admin, blog"


@pytest.fixture
def site(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """`covet new` in ``tmp_path`` (not migrated), loaded in this process, with DATABASE_URL at the test database."""
    with isolated_globals():
        for name in (SETTINGS_ENV_VAR, *ENV_OVERRIDES):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("COLUMNS", "200")  # one line per message
        monkeypatch.chdir(tmp_path)
        root = call_command("new", f"unmigrated{next(_names)}")
        monkeypatch.chdir(root)
        monkeypatch.setenv("DATABASE_URL", database_url)
        yield root


def check_output() -> str:
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return " ".join(result.output.split())  # long messages wrap at the console's width


def test_check_warns_until_the_migrations_are_applied(site: Path, database_url: str) -> None:
    before = check_output()
    assert "migrations.W001" in before
    assert 'You have 3 unapplied migration(s) in database "default"' in before
    assert f"the migrations of app(s) {EVERY_APP} are applied" in before
    assert 'Run "covet migrate" to apply them.' in before
    if database_url.startswith("sqlite"):
        assert not Path(database_url.partition(":///")[2]).exists()  # asking didn't create the file

    call_command("migrate", "blog")  # blog depends on auth: two of the three apps
    assert "You have 1 unapplied migration(s)" in check_output()

    call_command("migrate")
    after = check_output()
    assert "migrations.W" not in after
    assert "System check identified no issues" in after


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("postgresql://postgres:secret@127.0.0.1:1/nowhere", "Connect call failed"),
        ("postgresql://postgres:secret@127.0.0.1:5432/covet_no_such_database", "does not exist"),
    ],
)
def test_an_unusable_database_is_a_warning_not_a_crash(
    site: Path, monkeypatch: pytest.MonkeyPatch, url: str, reason: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    output = check_output()
    assert "migrations.W002" in output
    assert 'Can\'t tell whether database "default" has unapplied migrations' in output and reason in output
    assert "secret" not in output
    assert "checks.E001" not in output  # the check itself didn't crash


def test_a_missing_table_explains_itself_on_the_debug_page(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import covet
    from covet.conf import settings
    from covet.testing import TestClient

    monkeypatch.setenv("ALLOWED_HOSTS", "testserver")
    with TestClient(covet.get_asgi_application()) as client:
        page = client.get("/blog/", headers={"accept": "text/html"})
        as_text = client.get("/blog/api/posts", headers={"accept": "text/plain"})
    assert page.status_code == 500
    expected = 'Table "blog_post" does not exist in database "default": run "covet migrate" (unapplied migrations: '
    assert expected + f"{EVERY_APP})" in html.unescape(page.text)
    assert "MissingTableError" in page.text
    assert as_text.status_code == 500 and expected in as_text.text

    with settings.override(DEBUG=False), TestClient(covet.get_asgi_application()) as client:
        hidden = client.get("/blog/", headers={"accept": "text/html"})
    assert hidden.status_code == 500
    request_id = hidden.headers["x-request-id"]
    assert hidden.text == f"Internal Server Error (request id: {request_id})"  # nothing about the database leaks

    call_command("migrate")
    with TestClient(covet.get_asgi_application()) as client:
        assert client.get("/blog/", headers={"accept": "text/html"}).status_code == 200


def test_the_orm_error_names_the_apps_still_missing(site: Path) -> None:
    """After migrating one app the message lists only the others (read from the database when the error happens)."""
    import asyncio

    import covet
    from covet.exceptions import TableDoesNotExist
    from covet.orm import DatabaseError, close_all

    call_command("migrate", "auth")
    covet.setup()
    from blog.models import Post  # type: ignore[import-not-found]

    async def query() -> BaseException:
        try:
            with pytest.raises(TableDoesNotExist) as raised:
                await Post.objects.count()
        finally:
            await close_all()
        return raised.value

    error = asyncio.run(query())
    assert isinstance(error, DatabaseError)  # code catching the ORM's errors catches this one too
    assert str(error) == (
        'Table "blog_post" does not exist in database "default": run "covet migrate" '
        "(unapplied migrations: admin, blog)."
    )
