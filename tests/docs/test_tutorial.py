"""The tutorial, replayed: parts 2, 3 and 4 in a project made by `covet new`, so that the pages cannot rot.

Every file the tutorial writes is written from its code blocks, every command it shows is run and its
output compared (revision ids and timings aside), its shell sessions are replayed in `covet shell`, the
project's own tests run, and the pages are fetched from a real `covet runserver` process (on Redis for
part 4, whose PostgreSQL and production-server steps are covered by tests/integration).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator

import httpx
import pytest
import redis
from tutorial_steps import Block, Exchange, TutorialProject, blocks, exchanges, normalise, replay_shell

pytestmark = pytest.mark.timeout(600)

SUPERUSER = {
    "COVET_SUPERUSER_USERNAME": "admin",
    "COVET_SUPERUSER_EMAIL": "admin@example.com",
    "COVET_SUPERUSER_PASSWORD": "quartz-Lantern-harbor-58",
}
# Part 4's Redis: a database of its own, whose "mysite:" keys are removed before the test.
REDIS_URL = "redis://127.0.0.1:6379/15"
# Commands the tutorial shows that this test does instead in its own way (a server it starts itself, the
# shell sessions replayed from the pycon blocks, HTTP requests made with httpx).
_NOT_REPLAYED = ("covet runserver", "covet shell", "curl ")


def run_console(project: TutorialProject, block: Block, replayed: tuple[str, ...] | None) -> None:
    """Run the block's commands (only those starting with one of ``replayed``, when given)."""
    for exchange in exchanges(block, "$ "):
        command, shown = exchange.command, "\n".join(exchange.output)
        if command.startswith(_NOT_REPLAYED) or (replayed is not None and not command.startswith(replayed)):
            continue
        if command == "covet createsuperuser":
            printed = project.covet("createsuperuser --noinput", env=SUPERUSER)
            assert shown.splitlines()[-1] in printed, printed
        elif command == "python -m pytest":
            result = project.run("-m", "pytest", "-q", "-p", "no:cacheprovider")
            assert passed_count(result.stdout) == passed_count(shown), result.stdout
        elif command.startswith("covet "):
            assert normalise(project.covet(command.removeprefix("covet "))) == normalise(shown)
        else:
            raise AssertionError(f"The tutorial runs {command!r}; teach this test how to replay it.")


def passed_count(pytest_output: str) -> int:
    match = re.search(r"(\d+) passed", pytest_output)
    assert match is not None, pytest_output
    return int(match.group(1))


def replay(project: TutorialProject, page: str, *, commands: tuple[str, ...] | None = None) -> None:
    """Apply ``page``'s steps to the project, in the order the page gives them. ``commands``: run only the
    console commands starting with one of these (the rest were checked by hand: curl, redis-cli, ...)."""
    session: list[Exchange] = []
    quoted_later: list[Block] = []
    for block in blocks(page):
        if block.language == "pycon":
            session += exchanges(block, ">>> ")
            continue
        if session:
            replay_shell(project, session)
            session = []
        if block.path is not None:
            project.write(block)
        elif block.appended_to is not None:
            project.append(block)
        elif block.language == "python":
            if not project.quotes(block):
                quoted_later.append(block)  # an excerpt of a file the page writes further down
        elif block.language == "html":
            replace_title_line(project, block)
        elif block.language == "console":
            run_console(project, block, commands)
    if session:
        replay_shell(project, session)
    for block in quoted_later:
        assert project.quotes(block), f"{page} quotes code that the project does not have:\n{block.text}"


def replace_title_line(project: TutorialProject, block: Block) -> None:
    """Part 2's one-line edit of the generated index template: the ``<h2>`` title becomes a link."""
    template = project.root / "blog" / "templates" / "blog" / "index.html"
    lines = template.read_text(encoding="utf-8").split("\n")
    titles = [number for number, line in enumerate(lines) if "<h2>" in line]
    assert len(titles) == 1 and block.text.count("\n") == 1, (titles, block.text)
    lines[titles[0]] = block.text.rstrip("\n")
    template.write_text("\n".join(lines), encoding="utf-8")


def csrf_token(page: httpx.Response) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match is not None, page.text
    return match.group(1)


def shown_api_answer() -> dict[str, object]:
    """The JSON that part 2 shows for `curl .../blog/api/posts/1`."""
    console = next(block for block in blocks("part2.md") if "$ curl" in block.text)
    answer: dict[str, object] = json.loads(console.text.split("\n")[1])
    return answer


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> TutorialProject:
    """Part 1's starting point: `covet new mysite`."""
    parent = tmp_path_factory.mktemp("tutorial")
    site = TutorialProject(parent / "mysite")
    site.run("-m", "covet", "new", "mysite", cwd=parent)
    return site


@pytest.fixture(scope="module")
def after_part2(project: TutorialProject) -> TutorialProject:
    replay(project, "part2.md")
    return project


@pytest.fixture(scope="module")
def after_part3(after_part2: TutorialProject) -> TutorialProject:
    replay(after_part2, "part3.md")
    return after_part2


@pytest.fixture(scope="module")
def after_part4(after_part3: TutorialProject) -> TutorialProject:
    replay(after_part3, "part4.md", commands=("python -m pytest",))
    return after_part3


@pytest.fixture
def redis_store() -> Iterator[redis.Redis]:
    store = redis.Redis.from_url(REDIS_URL)
    try:
        store.ping()
    except redis.ConnectionError:
        store.close()
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is required when CI=true but nothing answers on 127.0.0.1:6379.")
        pytest.skip("Redis is not running on 127.0.0.1:6379 (start it, or set CI=true to make this a failure).")
    for key in store.scan_iter(match="mysite:*"):
        store.delete(key)
    yield store
    store.close()


def test_part2_pages_and_api(after_part2: TutorialProject) -> None:
    with after_part2.runserver() as base_url, httpx.Client(base_url=base_url) as browser:
        index = browser.get("/blog/")
        assert index.status_code == 200
        assert '<a href="/blog/hello-database">Hello, database</a>' in index.text
        assert "Async all the way" in index.text and "A draft" not in index.text

        detail = browser.get("/blog/hello-database")
        assert detail.status_code == 200 and "<h1>Hello, database</h1>" in detail.text
        assert browser.get("/blog/a-draft").status_code == 404
        assert browser.get("/blog/api/posts/3").status_code == 404

        answer = browser.get("/blog/api/posts/1").json()
        shown = shown_api_answer()
        assert {**answer, "created": None} == {**shown, "created": None}
        assert [post["slug"] for post in browser.get("/blog/api/posts").json()] == ["async", "hello-database"]


def test_part3_form_messages_and_csrf(after_part3: TutorialProject) -> None:
    with after_part3.runserver() as base_url, httpx.Client(base_url=base_url) as browser:
        page = browser.get("/blog/new")
        assert page.status_code == 200 and '<select name="author"' in page.text
        form = {"title": "Written in a form", "slug": "written-in-a-form", "body": "Hi.", "author": "1"}

        refused = browser.post("/blog/new", data={**form, "published": "on"})
        assert refused.status_code == 403

        invalid = browser.post("/blog/new", data={**form, "slug": "async", "csrf_token": csrf_token(page)})
        assert "Post with this Slug already exists." in invalid.text

        saved = browser.post("/blog/new", data={**form, "published": "on", "csrf_token": csrf_token(page)})
        assert saved.status_code == 303 and saved.headers["location"] == "/blog/"
        index = browser.get("/blog/")
        assert '<li class="success">“Written in a form” was saved.</li>' in index.text
        assert '<link rel="stylesheet" href="/static/site.css">' in index.text
        assert "was saved" not in browser.get("/blog/").text  # shown once
        assert browser.get("/static/site.css").status_code == 200
        assert browser.get("/blog/written-in-a-form").status_code == 200


def test_part3_admin(after_part3: TutorialProject) -> None:
    with after_part3.runserver() as base_url, httpx.Client(base_url=base_url) as browser:
        login = browser.get("/admin/login/")
        credentials = {"username": "admin", "password": SUPERUSER["COVET_SUPERUSER_PASSWORD"]}
        signed_in = browser.post("/admin/login/", data={**credentials, "csrf_token": csrf_token(login)})
        assert signed_in.status_code in (302, 303), signed_in.text

        found = browser.get("/admin/blog/post/", params={"q": "draft"})
        assert '<td class="field-slug">a-draft</td>' in found.text and "hello-database" not in found.text
        drafts = browser.get("/admin/blog/post/", params={"published__exact": "0"})
        assert re.findall(r'name="_selected_action" value="(\d+)"', drafts.text) == ["3"]
        assert 'value="make_published">Publish the selected posts' in drafts.text

        action = {"action": "make_published", "_selected_action": "3", "index": "0", "csrf_token": csrf_token(drafts)}
        published = browser.post("/admin/blog/post/", data=action)
        assert published.status_code in (302, 303), published.text
        assert "Posts published: 1." in browser.get("/admin/blog/post/").text
        assert browser.get("/blog/a-draft").status_code == 200


def test_part4_accounts_on_redis(after_part4: TutorialProject, redis_store: redis.Redis) -> None:
    with after_part4.runserver({"REDIS_URL": REDIS_URL}) as base_url, httpx.Client(base_url=base_url) as browser:
        assert browser.get("/blog/new").headers["location"] == "/accounts/login?next=/blog/new"
        login = browser.get("/accounts/login?next=/blog/new")
        credentials = {"username": "admin", "password": SUPERUSER["COVET_SUPERUSER_PASSWORD"]}
        signed_in = browser.post(
            "/accounts/login", data={**credentials, "next": "/blog/new", "csrf_token": csrf_token(login)}
        )
        assert signed_in.headers["location"] == "/blog/new"

        page = browser.get("/blog/new")
        assert 'name="author"' not in page.text and "Sign out admin" in page.text
        form = {"title": "Signed", "slug": "signed", "body": "By whoever is signed in.", "published": "on"}
        assert browser.post("/blog/new", data={**form, "csrf_token": csrf_token(page)}).status_code == 303
        newest = browser.get("/blog/api/posts").json()[0]
        assert (newest["slug"], newest["author"]) == ("signed", "admin")
        session_key = browser.cookies["sessionid"]
        assert list(redis_store.scan_iter(match=f"mysite:*covet.session:{session_key}"))


def test_part4_api_with_jwt_and_rate_limit(after_part4: TutorialProject, redis_store: redis.Redis) -> None:
    with after_part4.runserver({"REDIS_URL": REDIS_URL}) as base_url, httpx.Client(base_url=base_url) as api:
        credentials = {"username": "admin", "password": SUPERUSER["COVET_SUPERUSER_PASSWORD"]}
        bearer = {"Authorization": f"Bearer {api.post('/accounts/token', json=credentials).json()['access']}"}
        post = {"title": "From the API", "slug": "from-the-api", "body": "Posted with a token.", "published": True}

        assert api.post("/blog/api/posts", json=post).status_code == 403  # no token, no session: the CSRF check
        forged = api.post("/blog/api/posts", json=post, headers={"Authorization": bearer["Authorization"] + "x"})
        assert forged.status_code == 401 and forged.json() == {
            "detail": "Invalid bearer token: the signature does not match"
        }

        created = api.post("/blog/api/posts", json=post, headers=bearer)
        assert created.status_code == 201 and created.json()["author"] == "admin"
        again = api.post(
            "/blog/api/posts", json={"title": "", "slug": "from-the-api", "body": "Again."}, headers=bearer
        )
        assert again.json() == {
            "errors": {"title": ["This field is required."], "slug": ["Post with this Slug already exists."]}
        }

        # RATELIMIT_RULES: 30 writes a minute per user, counted in Redis. Two were made above.
        codes = [api.post("/blog/api/posts", json={}, headers=bearer).status_code for _ in range(29)]
        assert codes == [400] * 28 + [429]
        assert list(redis_store.scan_iter(match="mysite:*covet.ratelimit:*|user:*"))
