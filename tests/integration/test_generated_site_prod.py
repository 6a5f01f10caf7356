"""The generated project on the production server (`covet serve --prod`, the Rust accelerator) with two worker
processes: a visitor's session works whichever worker takes the connection, because the generated settings keep
sessions in the database (SESSION_ENGINE "db") when no REDIS_URL is set."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from generated_site import SUPERUSER, GeneratedSite, production_environment

from covet.server.prod import accel_available

WORKERS = 2
pytestmark = pytest.mark.skipif(not accel_available(), reason="covet-accel is not installed (pip install ./accel)")


@pytest.fixture(scope="module")
def prod_url(generated_site: GeneratedSite) -> Iterator[str]:
    with generated_site.serve(production_environment(), prod_workers=WORKERS) as url:
        yield url


def test_a_session_holds_across_worker_processes(prod_url: str) -> None:
    with httpx.Client(base_url=prod_url) as browser:
        page = browser.get("/accounts/login")
        match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert match is not None, page.text[:300]
        form = {"username": SUPERUSER["username"], "password": SUPERUSER["password"], "csrf_token": match.group(1)}
        assert browser.post("/accounts/login", data=form).status_code == 303
        cookie = browser.cookies["sessionid"]
    # A new connection per request: the kernel spreads them over the workers (SO_REUSEPORT).
    seen = []
    for _ in range(20):
        with httpx.Client(base_url=prod_url, cookies={"sessionid": cookie}) as visitor:
            seen.append(visitor.get("/api/me", headers={"Accept": "application/json"}).json())
    assert seen == [{"username": SUPERUSER["username"], "email": SUPERUSER["email"]}] * 20


def test_the_production_server_sends_the_same_protections(prod_url: str) -> None:
    page = httpx.get(f"{prod_url}/")
    assert page.status_code == 200
    assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff"
    assert httpx.get(f"{prod_url}/", headers={"Host": "evil.example"}).status_code == 400
    assert httpx.post(f"{prod_url}/accounts/logout").status_code == 403
