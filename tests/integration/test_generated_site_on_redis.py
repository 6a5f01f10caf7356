"""The generated project with REDIS_URL set: two `covet runserver` processes (two instances of the site) share
sessions, rate-limit counters and the JWT revocation list through the real Redis on 127.0.0.1:6379."""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterator

import httpx
import pytest
import redis
from generated_site import SUPERUSER, GeneratedSite, production_environment

REDIS_URL = os.environ.get("COVET_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def require_redis() -> str:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is required when CI=true but nothing answers on 127.0.0.1:6379.")
        pytest.skip("Redis is not running on 127.0.0.1:6379 (start it, or set CI=true to make this a failure).")
    return REDIS_URL


@pytest.fixture(scope="module")
def two_instances(generated_site: GeneratedSite) -> Iterator[tuple[str, str]]:
    url = require_redis()
    # Both instances must share the secret key, as every instance of one site does.
    environment = production_environment(REDIS_URL=url)
    try:
        with generated_site.serve(environment) as first, generated_site.serve(environment) as second:
            yield first, second
    finally:
        client = redis.Redis.from_url(url)
        # The project name is the site's KEY_PREFIX (unique per test run): remove exactly this site's keys.
        keys = list(client.scan_iter(match=f"{generated_site.name}:*"))
        if keys:
            client.delete(*keys)
        client.close()


def sign_in(browser: httpx.Client, password: str) -> httpx.Response:
    page = browser.get("/accounts/login")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match is not None, page.text[:300]
    form = {"username": SUPERUSER["username"], "password": password, "csrf_token": match.group(1)}
    return browser.post("/accounts/login", data=form)


def test_a_session_started_on_one_instance_works_on_the_other(
    two_instances: tuple[str, str], generated_site: GeneratedSite
) -> None:
    first, second = two_instances
    with httpx.Client(base_url=first) as browser:
        assert sign_in(browser, SUPERUSER["password"]).status_code == 303
        cookie = browser.cookies["sessionid"]
    with httpx.Client(base_url=second, cookies={"sessionid": cookie}) as same_browser:
        assert same_browser.get("/api/me").json()["username"] == SUPERUSER["username"]
    # The session lives in Redis (SESSION_ENGINE "cache" on the Redis cache), not in the database.
    client = redis.Redis.from_url(REDIS_URL)
    try:
        assert client.exists(f"{generated_site.name}:1:covet.session:{cookie}") == 1
    finally:
        client.close()


def test_login_attempts_are_counted_across_instances(two_instances: tuple[str, str]) -> None:
    # AUTH_LOGIN_RATE is 5 a minute per address: alternating instances does not buy a sixth try.
    first, second = two_instances
    with httpx.Client(base_url=first) as on_first, httpx.Client(base_url=second) as on_second:
        statuses = [sign_in(browser, "wrong-guess").status_code for browser in (on_first, on_second) * 3]
    assert statuses[:4] == [400, 400, 400, 400]
    assert 429 in statuses[4:]


def test_a_refresh_token_spent_on_one_instance_is_refused_by_the_other(two_instances: tuple[str, str]) -> None:
    first, second = two_instances
    credentials = {"username": SUPERUSER["username"], "password": SUPERUSER["password"]}
    pair = httpx.post(f"{first}/accounts/token", json=credentials).json()
    assert httpx.post(f"{first}/accounts/token/refresh", json={"refresh": pair["refresh"]}).status_code == 200
    assert httpx.post(f"{second}/accounts/token/refresh", json={"refresh": pair["refresh"]}).status_code == 401
