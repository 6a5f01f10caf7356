"""The ready-made account views (covet.auth.urls) in a full-stack app on a migrated database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from live_services import unique_prefix

import covet.auth
from covet.cache import caches
from covet.conf import settings
from covet.core import CovetApp
from covet.routing import Router
from covet.templates import reset_environment
from covet.testing import TestClient

STRONG = "tangerine-orbit-Vessel-91"
MIDDLEWARE = [
    "covet.middleware.security.SecurityMiddleware",
    "covet.middleware.hosts.AllowedHostsMiddleware",
    "covet.auth.sessions.SessionMiddleware",
    "covet.middleware.csrf.CsrfMiddleware",
    "covet.auth.middleware.AuthenticationMiddleware",
]


def build_app() -> CovetApp:
    from covet.auth.decorators import login_required

    router = Router()

    @router.get("/me")
    @login_required
    async def me(request):  # type: ignore[no-untyped-def]
        return {"user": request.user.username}

    router.include("covet.auth.urls", prefix="/accounts")
    return CovetApp(router, middleware=MIDDLEWARE)


@pytest.fixture
def client(database: str) -> Iterator[TestClient]:
    templates = [{"DIRS": [Path(covet.auth.__file__).parent / "templates"], "APP_DIRS": False, "OPTIONS": {}}]
    cache = {"default": {"BACKEND": "locmem", "LOCATION": unique_prefix()}}
    with settings.override(TEMPLATES=templates, CACHES=cache, SESSION_ENGINE="db"):
        reset_environment()
        caches.reset()
        with TestClient(build_app()) as test_client:
            yield test_client
        caches.reset()
    reset_environment()


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match is not None, page
    return match.group(1)


def sign_up(client: TestClient, username: str, password: str, password2: str | None = None) -> object:
    token = csrf_of(client.get("/accounts/signup").text)
    data = {"username": username, "email": f"{username}@example.com", "password": password,
            "password2": password if password2 is None else password2, "csrf_token": token}  # fmt: skip
    return client.post("/accounts/signup", data=data)


def test_signup_login_logout(client: TestClient) -> None:
    weak = sign_up(client, "newbie", "password123")
    assert weak.status_code == 400 and "too common" in weak.text  # type: ignore[attr-defined]
    mismatch = sign_up(client, "newbie", STRONG, STRONG + "x")
    assert mismatch.status_code == 400 and "differ" in mismatch.text  # type: ignore[attr-defined]
    created = sign_up(client, "newbie", STRONG)
    assert created.status_code == 303 and created.headers["location"] == "/"  # type: ignore[attr-defined]
    assert client.get("/me").json() == {"user": "newbie"}
    taken = sign_up(TestClient(client.app), "newbie", STRONG)
    assert taken.status_code == 400 and "taken" in taken.text  # type: ignore[attr-defined]

    token = csrf_of(client.get("/accounts/login").text)
    assert client.post("/accounts/logout", data={"csrf_token": token}).status_code == 303
    bounced = client.get("/me")
    assert bounced.status_code == 302 and bounced.headers["location"] == "/accounts/login?next=/me"

    page = client.get("/accounts/login?next=/me")
    assert 'name="next" value="/me"' in page.text
    wrong = client.post("/accounts/login", data={"username": "newbie", "password": "nope", "next": "/me",
                                                 "csrf_token": csrf_of(page.text)})  # fmt: skip
    assert wrong.status_code == 400 and "Wrong username or password" in wrong.text
    ok = client.post("/accounts/login", data={"username": "newbie", "password": STRONG, "next": "/me",
                                              "csrf_token": csrf_of(wrong.text)})  # fmt: skip
    assert ok.status_code == 303 and ok.headers["location"] == "/me"
    assert client.get("/me").json() == {"user": "newbie"}


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"])
def test_login_never_redirects_off_site(client: TestClient, target: str) -> None:
    sign_up(client, "walker", STRONG)
    token = csrf_of(client.get("/accounts/login").text)
    response = client.post("/accounts/login", data={"username": "walker", "password": STRONG, "next": target,
                                                    "csrf_token": token})  # fmt: skip
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_login_form_without_csrf_token_is_refused(client: TestClient) -> None:
    sign_up(TestClient(client.app), "target", STRONG)
    response = client.post("/accounts/login", data={"username": "target", "password": STRONG})
    assert response.status_code == 403


def test_token_endpoints(client: TestClient) -> None:
    sign_up(TestClient(client.app), "api", STRONG)
    bad = client.post("/accounts/token", json={"username": "api", "password": "wrong"})
    assert bad.status_code == 400
    pair = client.post("/accounts/token", json={"username": "api", "password": STRONG}).json()
    assert client.get("/me", headers={"Authorization": f"Bearer {pair['access']}"}).json() == {"user": "api"}
    rotated = client.post("/accounts/token/refresh", json={"refresh": pair["refresh"]})
    assert rotated.status_code == 200
    assert client.post("/accounts/token/refresh", json={"refresh": pair["refresh"]}).status_code == 401
    assert client.post("/accounts/token/revoke", json={"refresh": rotated.json()["refresh"]}).status_code == 204
    revoked = client.post("/accounts/token/refresh", json={"refresh": rotated.json()["refresh"]})
    assert revoked.status_code == 401 and "invalid_token" in revoked.headers["www-authenticate"]
    garbage = client.post("/accounts/token", content=b"{not json", headers={"content-type": "application/json"})
    assert garbage.status_code == 400


def test_signup_can_be_turned_off(client: TestClient) -> None:
    with settings.override(AUTH_ALLOW_SIGNUP=False):
        assert client.get("/accounts/signup").status_code == 404
