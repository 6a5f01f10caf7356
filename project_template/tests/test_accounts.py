"""Accounts from end to end: sign up, sign in, sign out, a protected view, an API call with a JWT, and
the CSRF check, through covet.auth's pages mounted under /accounts (see urls.py)."""

import itertools
import re

import pytest
from covet.auth.models import User

PASSWORD = "tangerine-orbit-Vessel-91"
_numbers = itertools.count()


def csrf_token(page):
    """The CSRF token a page embeds in its forms (``{{ csrf_input }}``)."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match is not None, "the page has no CSRF token field"
    return match.group(1)


def sign_in(client, username, password=PASSWORD):
    token = csrf_token(client.get("/accounts/login"))
    return client.post("/accounts/login", data={"username": username, "password": password, "csrf_token": token})


@pytest.fixture
async def user():
    """A user in the test database (a new name per test: the database lives for the whole run)."""
    name = f"user{next(_numbers)}"
    return await User.objects.create_user(name, f"{name}@example.com", PASSWORD)


def test_sign_up_signs_the_new_user_in(client):
    token = csrf_token(client.get("/accounts/signup"))
    form = {"username": "maria", "email": "maria@example.com", "password": PASSWORD, "password2": PASSWORD}
    response = client.post("/accounts/signup", data={**form, "csrf_token": token})
    assert response.status_code == 303
    assert client.get("/api/me").json() == {"username": "maria", "email": "maria@example.com"}


def test_sign_up_refuses_a_weak_password(client):
    token = csrf_token(client.get("/accounts/signup"))
    form = {"username": "weak", "password": "password123", "password2": "password123", "csrf_token": token}
    response = client.post("/accounts/signup", data=form)
    assert response.status_code == 400
    assert "too common" in response.text


def test_the_protected_view_needs_a_signed_in_user(client):
    # A browser goes to the login page and comes back afterwards; an API client gets 401.
    assert client.get("/api/me").headers["location"] == "/accounts/login?next=/api/me"
    assert client.get("/api/me", headers={"Accept": "application/json"}).status_code == 401


def test_sign_in_and_sign_out(client, user):
    response = sign_in(client, user.username)
    assert response.status_code == 303
    assert client.get("/api/me").json()["username"] == user.username

    token = csrf_token(client.get("/accounts/login"))
    assert client.post("/accounts/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/api/me").status_code == 302


def test_a_wrong_password_does_not_sign_in(client, user):
    response = sign_in(client, user.username, "not-the-password")
    assert response.status_code == 400
    assert "Wrong username or password" in response.text
    assert client.get("/api/me").status_code == 302


def test_a_post_without_the_csrf_token_is_refused(client, user):
    # Without the token a cross-site form could sign the visitor in or out behind their back.
    response = client.post("/accounts/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 403
    assert client.get("/api/me").status_code == 302


def test_an_api_call_with_a_jwt(client, user):
    pair = client.post("/accounts/token", json={"username": user.username, "password": PASSWORD}).json()
    response = client.get("/api/me", headers={"Authorization": f"Bearer {pair['access']}"})
    assert response.json()["username"] == user.username

    # A tampered token is refused, with a WWW-Authenticate header telling the client why.
    forged = client.get("/api/me", headers={"Authorization": f"Bearer {pair['access'][:-4]}AAAA"})
    assert forged.status_code == 401
    assert forged.headers["www-authenticate"].startswith("Bearer")


def test_a_refresh_token_works_once(client, user):
    pair = client.post("/accounts/token", json={"username": user.username, "password": PASSWORD}).json()
    renewed = client.post("/accounts/token/refresh", json={"refresh": pair["refresh"]})
    assert renewed.status_code == 200 and renewed.json()["access"] != pair["access"]
    assert client.post("/accounts/token/refresh", json={"refresh": pair["refresh"]}).status_code == 401


def test_signing_in_is_rate_limited(client, user):
    # Five attempts a minute per address (AUTH_LOGIN_RATE): then 429 with Retry-After, even with the right password.
    for _ in range(5):
        assert sign_in(client, user.username, "guess").status_code == 400
    blocked = sign_in(client, user.username)
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
