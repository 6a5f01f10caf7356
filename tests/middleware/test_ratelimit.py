"""Rate limiting, on the local store and the real Redis: 429 + Retry-After, keys, rules, atomicity."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import orjson
import pytest
from live_services import fresh_default_cache, unique_prefix
from requests_in_memory import make_request, ok_view, run

from covet.conf import settings
from covet.exceptions import ImproperlyConfigured
from covet.http import PlainTextResponse, Request, Response
from covet.middleware.ratelimit import Rate, RateLimitMiddleware, ratelimit
from covet.middleware.ratelimit_store import LocalRateLimitStore, gcra


@pytest.fixture(params=["locmem", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    async with fresh_default_cache(request.param) as kind:
        yield kind


def limited_view(rate: str, **options: object):  # type: ignore[no-untyped-def]
    @ratelimit(rate, scope=unique_prefix("view"), **options)  # type: ignore[arg-type]
    async def view(request: Request) -> Response:
        return PlainTextResponse("ok")

    return view


async def test_decorator_allows_the_rate_then_429(store: str, caplog: pytest.LogCaptureFixture) -> None:
    view = limited_view("3/m")
    statuses = [(await view(make_request())).status_code for _ in range(3)]
    with caplog.at_level(logging.WARNING, "covet.security"):
        refused = await view(make_request())
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 20
    assert "3/m" in orjson.loads(refused.body)["detail"]
    assert any(getattr(r, "security_event", "") == "rate_limited" for r in caplog.records)


async def test_each_ip_has_its_own_budget(store: str) -> None:
    view = limited_view("1/m")
    assert (await view(make_request(client=("10.0.0.1", 1)))).status_code == 200
    assert (await view(make_request(client=("10.0.0.2", 1)))).status_code == 200
    assert (await view(make_request(client=("10.0.0.1", 2)))).status_code == 429


async def test_header_key_and_methods(store: str) -> None:
    view = limited_view("1/m", key="header:X-Api-Key", methods=["POST"])
    for _ in range(3):
        assert (await view(make_request("GET", headers={"x-api-key": "a"}))).status_code == 200
    assert (await view(make_request("POST", headers={"x-api-key": "a"}))).status_code == 200
    assert (await view(make_request("POST", headers={"x-api-key": "a"}))).status_code == 429
    assert (await view(make_request("POST", headers={"x-api-key": "b b/with spaces"}))).status_code == 200


async def test_tokens_come_back_over_time(store: str) -> None:
    view = limited_view("2/1s")
    assert [(await view(make_request())).status_code for _ in range(3)] == [200, 200, 429]
    await asyncio.sleep(0.6)  # one token per 0.5 s
    assert (await view(make_request())).status_code == 200


async def test_concurrent_requests_never_exceed_the_limit(store: str) -> None:
    view = limited_view("10/m")
    responses = await asyncio.gather(*(view(make_request()) for _ in range(40)))
    assert sum(r.status_code == 200 for r in responses) == 10
    assert sum(r.status_code == 429 for r in responses) == 30


async def test_middleware_rules(store: str) -> None:
    rules = [
        {"path": "/login", "rate": "2/m", "methods": ["POST"]},
        {"regex": r"^/api/v\d+/", "rate": "1/m", "key": "ip"},
    ]
    with settings.override(RATELIMIT_RULES=rules):
        login = [(await run(RateLimitMiddleware, make_request("POST", "/login"))).status_code for _ in range(3)]
        page = [(await run(RateLimitMiddleware, make_request("GET", "/login"))).status_code for _ in range(3)]
        api = [(await run(RateLimitMiddleware, make_request("GET", "/api/v2/x"))).status_code for _ in range(2)]
        other = await run(RateLimitMiddleware, make_request("GET", "/api/other"), ok_view)
    assert login == [200, 200, 429]
    assert page == [200, 200, 200]
    assert api == [200, 429]
    assert other.status_code == 200
    with settings.override(RATELIMIT_RULES=rules, RATELIMIT_ENABLED=False):
        assert (await run(RateLimitMiddleware, make_request("POST", "/login"))).status_code == 200


@pytest.mark.parametrize("text", ["10", "0/m", "ten/m", "5/w", "5/-1m", "", "5/0m", "5/00s"])
def test_bad_rates_are_configuration_errors(text: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="Invalid rate"):
        Rate.parse(text)


def test_rate_parsing() -> None:
    assert Rate.parse("10/m") == Rate(10, 60, "10/m")
    assert Rate.parse(" 5 / 15m ").period == 900
    no_path = [{"rate": "1/m"}]
    with pytest.raises(ImproperlyConfigured, match="needs 'rate'"), settings.override(RATELIMIT_RULES=no_path):
        RateLimitMiddleware(ok_view)
    with pytest.raises(ImproperlyConfigured, match="Unknown rate-limit key"):
        ratelimit("1/m", key="cookie")


def test_gcra_math_and_local_pruning() -> None:
    decision, tat = gcra(None, 100.0, 2, 10.0)
    assert decision.allowed and decision.remaining == 1 and tat == 105.0
    decision, tat = gcra(tat, 100.0, 2, 10.0)
    assert decision.allowed and decision.remaining == 0
    decision, _ = gcra(tat, 100.0, 2, 10.0)
    assert not decision.allowed and decision.retry_after == pytest.approx(5.0)
    small = LocalRateLimitStore(max_keys=5)
    for i in range(20):
        asyncio.run(small.hit(f"k{i}", 1, 60))
    assert len(small._tats) <= 5
