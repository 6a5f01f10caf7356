"""@cache_page: caches GET 200s, varies on Vary headers and on the visitor, refuses what must not be shared."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from live_services import fresh_default_cache

from covet.auth.sessions import Session
from covet.cache import cache_page
from covet.conf import settings
from covet.http import PlainTextResponse, Request, Response, StreamingResponse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "middleware"))
from requests_in_memory import make_request

if not settings.is_configured:
    settings.configure(SECRET_KEY="cache-tests-" + "x" * 40)


@pytest.fixture(params=["locmem", "redis"])
async def default_cache(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    async with fresh_default_cache(request.param):
        yield


def counting_view(make: type[Response] = PlainTextResponse, **response_kwargs: object):  # type: ignore[no-untyped-def]
    calls: list[int] = []

    @cache_page(60)
    async def view(request: Request) -> Response:
        calls.append(1)
        return make(f"call {len(calls)} lang={request.headers.get('accept-language', '')}", **response_kwargs)

    return view, calls


async def test_get_is_cached_with_headers(default_cache: None) -> None:
    view, calls = counting_view(headers={"X-Custom": "yes"})
    first = await view(make_request())
    second = await view(make_request())
    head = await view(make_request("HEAD"))
    assert first.body == second.body == b"call 1 lang="
    assert second.headers["x-custom"] == "yes" and second.headers["cache-control"] == "max-age=60"
    assert second.headers["content-length"] == str(len(second.body))
    assert head.status_code == 200 and len(calls) == 1
    other_url = await view(make_request(path="/?page=2"))
    assert other_url.body == b"call 2 lang=" and len(calls) == 2


async def test_vary_header_splits_entries(default_cache: None) -> None:
    view, calls = counting_view(headers={"Vary": "Accept-Language"})
    fr = await view(make_request(headers={"accept-language": "fr"}))
    de = await view(make_request(headers={"accept-language": "de"}))
    fr_again = await view(make_request(headers={"accept-language": "fr"}))
    assert fr.body == fr_again.body != de.body and len(calls) == 2


@pytest.mark.parametrize(
    "response_kwargs",
    [
        {"headers": {"Cache-Control": "private"}},
        {"headers": {"Cache-Control": "no-store"}},
        {"headers": {"Vary": "*"}},
        {"status_code": 404},
    ],
)
async def test_uncacheable_responses_are_not_stored(default_cache: None, response_kwargs: dict) -> None:  # type: ignore[type-arg]
    view, calls = counting_view(**response_kwargs)
    await view(make_request())
    await view(make_request())
    assert len(calls) == 2


async def test_cookies_posts_streams_and_bearer_requests_bypass(default_cache: None) -> None:
    calls: list[int] = []

    @cache_page(60)
    async def cookie_view(request: Request) -> Response:
        calls.append(1)
        response = PlainTextResponse("hi")
        response.set_cookie("sid", "secret")
        return response

    await cookie_view(make_request())
    await cookie_view(make_request())
    assert len(calls) == 2

    view, calls = counting_view()
    await view(make_request("POST"))
    await view(make_request("POST"))
    await view(make_request(headers={"authorization": "Bearer x"}))
    assert len(calls) == 3

    @cache_page(60)
    async def stream_view(request: Request) -> Response:
        calls.append(1)
        return StreamingResponse(iter([b"x"]))

    await stream_view(make_request())
    await stream_view(make_request())
    assert len(calls) == 5


async def test_views_that_read_the_session_are_cached_per_cookie(default_cache: None) -> None:
    @cache_page(60)
    async def greet(request: Request) -> Response:
        return PlainTextResponse(f"hello {request.session.get('name', 'stranger')}")

    def visitor(name: str, cookie: str) -> Request:
        request = make_request(headers={"cookie": f"sessionid={cookie}"})
        request.session = Session({"name": name}, key=cookie)
        return request

    assert (await greet(visitor("alice", "a" * 43))).body == b"hello alice"
    assert (await greet(visitor("bob", "b" * 43))).body == b"hello bob"
    assert (await greet(visitor("alice", "a" * 43))).body == b"hello alice"


async def test_sync_views_and_dict_return_values(default_cache: None) -> None:
    @cache_page(30)
    def sync_view(request: Request) -> dict:  # type: ignore[type-arg]
        return {"ok": True}

    response = await sync_view(make_request())
    cached = await sync_view(make_request())
    assert response.headers["content-type"] == cached.headers["content-type"] == "application/json"
    assert cached.body == b'{"ok":true}'


async def test_template_responses_are_rendered_before_caching(default_cache: None) -> None:
    from covet.templates import get_environment, render

    template = get_environment().from_string("<p>hello {{ name }}</p>")

    @cache_page(30)
    async def page(request: Request) -> Response:
        return render(request, template, {"name": "world"})

    first = await page(make_request())
    cached = await page(make_request())
    assert first.body == cached.body == b"<p>hello world</p>"
