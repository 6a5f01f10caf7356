"""A project straight out of `covet new`, migrated and served by `covet runserver` with production settings
(DEBUG off, a real SECRET_KEY): what a visitor and an API client see over real HTTP."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from generated_site import SUPERUSER, GeneratedSite, production_environment

PASSWORD = "tangerine-orbit-Vessel-91"


@pytest.fixture(scope="module")
def site_url(generated_site: GeneratedSite) -> Iterator[str]:
    with generated_site.serve(production_environment()) as url:
        yield url


def csrf_token(page: httpx.Response) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match is not None, page.text[:500]
    return match.group(1)


def test_covet_check_accepts_the_generated_settings_in_production(generated_site: GeneratedSite) -> None:
    output = generated_site.covet("check", env=production_environment())
    # Without Redis the only remark is that rate limits are counted per process.
    assert "error" not in output.lower()
    assert "ratelimit.W001" in output and "security.W004" not in output and "sessions.W001" not in output


def test_welcome_page_with_the_security_headers(site_url: str, generated_site: GeneratedSite) -> None:
    response = httpx.get(f"{site_url}/")
    assert response.status_code == 200
    assert f"{generated_site.name} is up and running" in response.text
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert re.fullmatch(r"[0-9a-f]{32}", headers["x-request-id"])
    # HSTS is on with DEBUG off, but only ever sent over HTTPS.
    assert "strict-transport-security" not in headers
    # The page is big enough to be compressed.
    assert headers["content-encoding"] == "gzip" and "Accept-Encoding" in headers["vary"]


def test_blog_pages_and_json(site_url: str) -> None:
    index = httpx.get(f"{site_url}/blog/")
    assert index.status_code == 200 and index.headers["content-type"].startswith("text/html")
    posts = httpx.get(f"{site_url}/blog/api/posts")
    assert posts.status_code == 200 and isinstance(posts.json(), list)
    missing = httpx.get(f"{site_url}/blog/api/posts/987654")
    assert missing.status_code == 404


def test_sign_up_sign_in_protected_page_sign_out(site_url: str) -> None:
    with httpx.Client(base_url=site_url) as browser:
        assert browser.get("/api/me").headers["location"] == "/accounts/login?next=/api/me"
        form = {"username": "maria", "email": "maria@example.com", "password": PASSWORD, "password2": PASSWORD}
        signup = browser.post(
            "/accounts/signup", data={**form, "csrf_token": csrf_token(browser.get("/accounts/signup"))}
        )
        assert signup.status_code == 303
        session_cookie = browser.cookies["sessionid"]
        assert browser.get("/api/me").json() == {"username": "maria", "email": "maria@example.com"}

        logout = browser.post("/accounts/logout", data={"csrf_token": csrf_token(browser.get("/accounts/login"))})
        assert logout.status_code == 303
        assert browser.get("/api/me").status_code == 302

        page = browser.get("/accounts/login?next=/api/me")
        login = browser.post(
            "/accounts/login",
            data={"username": "maria", "password": PASSWORD, "next": "/api/me", "csrf_token": csrf_token(page)},
        )
        assert login.headers["location"] == "/api/me"
        # A new session key at sign-in: a session fixed by an attacker before it is worthless.
        assert browser.cookies["sessionid"] != session_cookie
        assert browser.get("/api/me").json()["username"] == "maria"
    # The cookie's flags, as a browser receives them.
    assert "httponly" in login.headers["set-cookie"].lower() and "samesite=lax" in login.headers["set-cookie"].lower()


def test_jwt_for_the_superuser_made_by_createsuperuser(site_url: str) -> None:
    with httpx.Client(base_url=site_url) as api:
        credentials = {"username": SUPERUSER["username"], "password": SUPERUSER["password"]}
        pair = api.post("/accounts/token", json=credentials).json()
        me = api.get("/api/me", headers={"Authorization": f"Bearer {pair['access']}"})
        assert me.json() == {"username": SUPERUSER["username"], "email": SUPERUSER["email"]}

        forged = api.get("/api/me", headers={"Authorization": f"Bearer {pair['access'][:-4]}AAAA"})
        assert forged.status_code == 401 and forged.headers["www-authenticate"].startswith("Bearer")
        wrong = api.post("/accounts/token", json={**credentials, "password": "nope"})
        assert wrong.status_code == 400

        renewed = api.post("/accounts/token/refresh", json={"refresh": pair["refresh"]})
        assert renewed.status_code == 200
        replayed = api.post("/accounts/token/refresh", json={"refresh": pair["refresh"]})
        assert replayed.status_code == 401


def test_a_post_without_the_csrf_token_is_refused(site_url: str) -> None:
    with httpx.Client(base_url=site_url) as browser:
        browser.get("/accounts/login")  # a session and its CSRF secret exist; the form token is just not sent
        refused = browser.post("/accounts/login", data={"username": "maria", "password": PASSWORD})
        assert refused.status_code == 403
        cross_site = browser.post(
            "/accounts/logout",
            data={"csrf_token": csrf_token(browser.get("/accounts/login"))},
            headers={"Origin": "https://evil.example"},
        )
        assert cross_site.status_code == 403
        # DEBUG is off: the refusal does not explain itself to the client.
        assert "CSRF_TRUSTED_ORIGINS" not in cross_site.text


def test_a_host_that_is_not_allowed_gets_400(site_url: str) -> None:
    response = httpx.get(f"{site_url}/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert httpx.get(f"{site_url}/api/health", headers={"Host": "localhost"}).json() == {"status": "ok"}


def test_malformed_requests_do_not_stop_the_server(site_url: str) -> None:
    bad_json = httpx.post(
        f"{site_url}/accounts/token", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert bad_json.status_code == 400
    assert httpx.get(f"{site_url}/api/health").json() == {"status": "ok"}


def test_the_superuser_signs_in_to_the_admin(site_url: str) -> None:
    with httpx.Client(base_url=site_url) as browser:
        assert browser.get("/admin/").status_code in (302, 303)
        page = browser.get("/admin/login/")
        form = {"username": SUPERUSER["username"], "password": SUPERUSER["password"], "csrf_token": csrf_token(page)}
        assert browser.post("/admin/login/", data=form).status_code == 303
        index = browser.get("/admin/")
        assert index.status_code == 200
        # The blog's Post model, registered by the template's blog/admin.py.
        assert "Post" in index.text
