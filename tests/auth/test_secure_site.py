"""The whole stack in one app: login/logout, CSRF, sessions, JWT, permissions, rate limits, hosts, headers."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator

import jwt as pyjwt
import pytest
import secure_site
from live_services import unique_prefix
from secure_site import PASSWORD, build_app, site_settings

from covet.cache import caches
from covet.conf import settings
from covet.testing import TestClient


@pytest.fixture
def client() -> Iterator[TestClient]:
    with settings.override(**site_settings(None, unique_prefix())):
        caches.reset()
        with TestClient(build_app()) as test_client:
            yield test_client
    caches.reset()


def csrf_from_login_page(client: TestClient) -> str:
    page = client.get("/login")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match is not None
    return match.group(1)


def sign_in(client: TestClient, username: str = "alice", password: str = PASSWORD) -> int:
    token = csrf_from_login_page(client)
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    return response.status_code


def test_login_rotates_the_session_and_logout_ends_it(client: TestClient) -> None:
    csrf_from_login_page(client)
    before = client.cookies["sessionid"]
    assert sign_in(client) == 200
    after = client.cookies["sessionid"]
    assert after != before  # no session fixation
    me = client.get("/me")
    assert me.status_code == 200 and me.json()["user"] == "alice"
    token = client.get("/csrf").json()["token"]
    assert client.post("/logout", headers={"X-CSRFToken": token}).status_code == 200
    redirect = client.get("/me")
    assert redirect.status_code == 302 and redirect.headers["location"] == "/accounts/login?next=/me"
    replay = TestClient(client.app, cookies={"sessionid": after})
    assert replay.get("/me").status_code == 302  # the old session is gone server-side


def test_post_without_csrf_token_is_refused(client: TestClient) -> None:
    refused = client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert refused.status_code == 403
    assert sign_in(client) == 200
    assert client.post("/notes", json={"text": "x"}).status_code == 403
    token = client.get("/csrf").json()["token"]
    for method in ("PUT", "PATCH", "DELETE"):
        assert client.request(method, "/notes").status_code == 403
    assert client.post("/notes", json={"text": "x"}, headers={"X-CSRFToken": token}).json() == {"notes": ["x"]}


def test_wrong_password_is_audited_and_brute_force_is_rate_limited(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    token = csrf_from_login_page(client)
    with caplog.at_level(logging.WARNING, "covet.security"):
        statuses = [
            client.post("/login", data={"username": "alice", "password": f"guess{i}", "csrf_token": token}).status_code
            for i in range(6)
        ]
    assert statuses == [400] * 5 + [429]
    events = [getattr(r, "security_event", None) for r in caplog.records]
    assert events.count("login_failed") == 5 and events.count("rate_limited") == 1
    limited = client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0


def test_permissions_and_staff(client: TestClient) -> None:
    assert sign_in(client, "alice") == 200
    assert client.get("/posts/edit").status_code == 403
    assert client.get("/staff").status_code == 302
    editor = TestClient(client.app)
    assert sign_in(editor, "editor") == 200
    assert editor.get("/posts/edit").json() == {"editing": True}
    assert editor.get("/staff").json() == {"staff": "editor"}
    assert sign_in(TestClient(client.app), "ghost") == 400  # inactive users cannot sign in


def test_password_change_elsewhere_ends_existing_sessions(client: TestClient) -> None:
    assert sign_in(client) == 200
    user = secure_site.users()["alice"]
    try:
        user.password_version += 1
        assert client.get("/me").status_code == 302
    finally:
        user.password_version -= 1


def api_tokens(client: TestClient, username: str = "alice") -> dict[str, str]:
    response = client.post("/api/token", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def test_jwt_api_call_and_refresh_rotation(client: TestClient) -> None:
    tokens = api_tokens(client)
    bearer = {"Authorization": f"Bearer {tokens['access']}"}
    assert client.get("/api/me", headers=bearer).json() == {"user": "alice"}
    assert client.post("/notes", json={"text": "api"}, headers=bearer).status_code == 200  # bearer: no CSRF
    rotated = client.post("/api/token/refresh", json={"refresh": tokens["refresh"]})
    assert rotated.status_code == 200
    replayed = client.post("/api/token/refresh", json={"refresh": tokens["refresh"]})
    assert replayed.status_code == 401
    assert replayed.headers["www-authenticate"].startswith('Bearer error="invalid_token"')


def bad_tokens() -> dict[str, str]:
    now = int(time.time())
    claims = {"sub": "1", "type": "access", "iat": now, "nbf": now, "exp": now + 60, "jti": "x"}
    key = settings.SECRET_KEY
    return {
        "forged": pyjwt.encode(claims, "attacker-secret-" * 4, algorithm="HS256"),
        "expired": pyjwt.encode({**claims, "exp": now - 10}, key, algorithm="HS256"),
        "alg-none": pyjwt.encode(claims, None, algorithm="none"),  # type: ignore[arg-type]
        "other-alg": pyjwt.encode(claims, key, algorithm="HS384"),
        "refresh-as-access": pyjwt.encode({**claims, "type": "refresh"}, key, algorithm="HS256"),
        "unknown-user": pyjwt.encode({**claims, "sub": "999"}, key, algorithm="HS256"),
        "inactive-user": pyjwt.encode({**claims, "sub": "3"}, key, algorithm="HS256"),
        "garbage": "not.a.jwt",
        "empty": "",
    }


@pytest.mark.parametrize("kind", list(bad_tokens()))
def test_bad_bearer_tokens_get_401_with_a_challenge(client: TestClient, kind: str) -> None:
    assert sign_in(client) == 200  # even with a valid session, a bad bearer token is not ignored
    response = client.get("/api/me", headers={"Authorization": f"Bearer {bad_tokens()[kind]}"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith('Bearer error="invalid_token"')
    assert "Invalid bearer token" in response.json()["detail"]
    assert client.get("/me").json()["user"] == "alice"  # the session is unharmed


def test_tampered_session_cookie_gives_a_new_empty_session(client: TestClient) -> None:
    assert client.get("/counter").json()["count"] == 1
    assert client.get("/counter").json()["count"] == 2
    good = client.cookies["sessionid"]
    for tampered in (good[:-1] + ("A" if good[-1] != "A" else "B"), "garbage", "x" * 43, ""):
        visitor = TestClient(client.app, cookies={"sessionid": tampered})
        response = visitor.get("/counter")
        assert response.status_code == 200 and response.json()["count"] == 1
    assert client.get("/counter").json()["count"] == 3


def test_bad_host_is_400(client: TestClient) -> None:
    assert client.get("/me", headers={"host": "evil.example"}).status_code == 400


def test_security_headers_request_id_and_gzip(client: TestClient) -> None:
    response = client.get("/big", headers={"X-Request-ID": "edge-42"})
    assert response.headers["x-request-id"] == "edge-42"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-encoding"] == "gzip"
    assert response.text.startswith("<p>covet")  # httpx decompresses


def test_api_calls_without_credentials_get_401_not_a_redirect(client: TestClient) -> None:
    response = client.get("/api/me", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
