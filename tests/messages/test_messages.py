"""Flash messages through real requests with the session middleware: levels, tags, shown once, bad session data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from covet import messages
from covet.auth.sessions import SessionMiddleware
from covet.conf import settings
from covet.core import CovetApp
from covet.http import Request
from covet.messages.storage import SESSION_KEY
from covet.routing import Router
from covet.testing import TestClient
from covet.testing.isolation import isolated_globals


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    with isolated_globals():
        settings.configure(SECRET_KEY="messages-tests-" + "x" * 40, SESSION_ENGINE="signed_cookie")
        yield


def listing(request: Request) -> list[dict[str, Any]]:
    return [{"level": m.level, "text": str(m), "tags": m.tags, "level_tag": m.level_tag} for m in
            messages.get_messages(request)]  # fmt: skip


def make_client() -> TestClient:
    router = Router()

    @router.post("/add")
    async def add(request: Request) -> Any:
        form = await request.form()
        level = getattr(messages, str(form["level"]).upper())
        added = messages.add_message(request, level, str(form["text"]), extra_tags=str(form.get("tags", "")))
        return {"added": added}

    @router.post("/all-levels")
    async def all_levels(request: Request) -> Any:
        messages.set_level(request, messages.DEBUG)
        for helper in (messages.debug, messages.info, messages.success, messages.warning, messages.error):
            helper(request, helper.__name__)
        return {}

    @router.get("/show")
    async def show(request: Request) -> Any:
        return listing(request)

    @router.get("/twice")
    async def twice(request: Request) -> Any:
        pending = messages.get_messages(request)
        count = len(pending)
        first, second = listing(request), listing(request)
        messages.info(request, "added after reading")
        return {"count": count, "first": first, "second": second}

    @router.post("/corrupt")
    async def corrupt(request: Request) -> Any:
        request.session[SESSION_KEY] = [[20, "good", ""], "junk", [1, 2], {"x": 1}, [30, None, ""]]
        return {}

    return TestClient(CovetApp(router, middleware=[SessionMiddleware]))


def test_messages_survive_a_redirect_and_are_shown_once() -> None:
    client = make_client()
    assert client.post("/add", data={"level": "success", "text": "Saved."}).json() == {"added": True}
    client.post("/add", data={"level": "error", "text": "Oops", "tags": "sticky"})
    assert client.get("/show").json() == [
        {"level": messages.SUCCESS, "text": "Saved.", "tags": "success", "level_tag": "success"},
        {"level": messages.ERROR, "text": "Oops", "tags": "sticky error", "level_tag": "error"},
    ]
    assert client.get("/show").json() == []


def test_levels_below_the_minimum_are_dropped() -> None:
    client = make_client()
    assert client.post("/add", data={"level": "debug", "text": "noise"}).json() == {"added": False}
    with settings.override(MESSAGE_LEVEL=messages.WARNING):
        assert client.post("/add", data={"level": "info", "text": "fyi"}).json() == {"added": False}
        assert client.post("/add", data={"level": "warning", "text": "careful"}).json() == {"added": True}
    assert [m["text"] for m in client.get("/show").json()] == ["careful"]
    client.post("/all-levels")
    assert [m["text"] for m in client.get("/show").json()] == ["debug", "info", "success", "warning", "error"]


def test_reading_twice_in_one_request_and_adding_after_reading() -> None:
    client = make_client()
    client.post("/add", data={"level": "info", "text": "one"})
    body = client.get("/twice").json()
    assert body["count"] == 1 and body["first"] == body["second"] and [m["text"] for m in body["first"]] == ["one"]
    assert [m["text"] for m in client.get("/show").json()] == ["added after reading"]


def test_custom_tags_setting() -> None:
    client = make_client()
    client.post("/add", data={"level": "error", "text": "x"})
    with settings.override(MESSAGE_TAGS={messages.ERROR: "danger"}):
        assert client.get("/show").json()[0]["tags"] == "danger"


def test_malformed_session_data_is_ignored_not_fatal() -> None:
    client = make_client()
    client.post("/corrupt")
    assert [m["text"] for m in client.get("/show").json()] == ["good"]


def test_without_session_middleware_the_error_says_what_to_add() -> None:
    router = Router()

    @router.get("/")
    async def index(request: Request) -> Any:
        messages.info(request, "x")
        return {}

    response = TestClient(CovetApp(router, debug=True)).get("/", headers={"accept": "text/plain"})
    assert response.status_code == 500
    assert "MissingMiddlewareError" in response.text
    assert "add 'covet.auth.sessions.SessionMiddleware' to settings.MIDDLEWARE" in response.text


def test_bad_level_is_a_type_error() -> None:
    router = Router()

    @router.get("/")
    async def index(request: Request) -> Any:
        messages.add_message(request, "loud", "x")  # type: ignore[arg-type]
        return {}

    client = TestClient(CovetApp(router, middleware=[SessionMiddleware], debug=True))
    response = client.get("/", headers={"accept": "text/plain"})
    assert response.status_code == 500
    assert "TypeError: A message level is an int such as covet.messages.SUCCESS, not 'loud'." in response.text
