"""A project made by `covet new` with the whole security stack turned on, served by a real server process:
sign-up, sign-in, sign-out, a protected view, an API call with a JWT, and a POST without CSRF refused."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from secure_site import MIDDLEWARE as SECURITY_STACK
from test_account_commands import covet_cli

import covet
from covet.testing.server_process import free_port, stop_process, wait_until_listening

REPO = Path(covet.__file__).resolve().parent.parent
STRONG = "tangerine-orbit-Vessel-91"

SETTINGS_ADDITIONS = f"""
INSTALLED_APPS = [*INSTALLED_APPS, "covet.auth"]
MIDDLEWARE = {SECURITY_STACK!r}
SESSION_ENGINE = "db"
"""

ACCOUNT_VIEWS = '''
"""Views of the test site that need a signed-in user."""

from covet.auth.decorators import login_required
from covet.routing import Router

router = Router()


@router.get("/dashboard")
@login_required
async def dashboard(request):
    return {"user": request.user.username}


@router.post("/notes")
@login_required
async def add_note(request):
    return {"saved": (await request.json())["text"]}
'''


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    parent = tmp_path_factory.mktemp("generated")
    assert covet_cli("new", "securesite", cwd=parent).returncode == 0
    root = parent / "securesite"
    package = root / "securesite"
    (package / "settings.py").write_text((package / "settings.py").read_text() + SETTINGS_ADDITIONS)
    (package / "account_views.py").write_text(textwrap.dedent(ACCOUNT_VIEWS))
    urls = package / "urls.py"
    urls.write_text(
        urls.read_text()
        + '\nurlpatterns += [include("covet.auth.urls", prefix="/accounts"), include("securesite.account_views")]\n'
    )
    migrated = covet_cli("migrate", cwd=root)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVET_")}
    env["PYTHONPATH"] = os.pathsep.join([str(root), str(REPO)])
    server = subprocess.Popen(
        [sys.executable, "-m", "covet.server.dev", "--app", "securesite.asgi:application", "--port", str(port),
         "--no-access-log", "--log-level", "warning"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        wait_until_listening(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(server)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match is not None, html[:500]
    return match.group(1)


def test_signup_login_logout_and_a_protected_view(site_url: str) -> None:
    with httpx.Client(base_url=site_url) as browser:
        assert browser.get("/dashboard").headers["location"] == "/accounts/login?next=/dashboard"
        token = csrf_of(browser.get("/accounts/signup").text)
        signup = browser.post(
            "/accounts/signup",
            data={
                "username": "maria",
                "email": "maria@example.com",
                "password": STRONG,
                "password2": STRONG,
                "csrf_token": token,
            },
        )
        assert signup.status_code == 303
        assert browser.get("/dashboard").json() == {"user": "maria"}
        token = csrf_of(browser.get("/accounts/login").text)
        assert browser.post("/accounts/logout", data={"csrf_token": token}).status_code == 303
        assert browser.get("/dashboard").status_code == 302
        page = browser.get("/accounts/login?next=/dashboard")
        login = browser.post("/accounts/login", data={"username": "maria", "password": STRONG, "next": "/dashboard",
                                                      "csrf_token": csrf_of(page.text)})  # fmt: skip
        assert login.headers["location"] == "/dashboard"
        dashboard = browser.get("/dashboard")
        assert dashboard.json() == {"user": "maria"}
        assert dashboard.headers["x-frame-options"] == "DENY" and "x-request-id" in dashboard.headers


def test_post_without_csrf_is_refused_and_jwt_api_calls_work(site_url: str) -> None:
    with httpx.Client(base_url=site_url) as browser:
        token = csrf_of(browser.get("/accounts/signup").text)
        browser.post("/accounts/signup", data={"username": "jules", "password": STRONG, "password2": STRONG,
                                               "csrf_token": token})  # fmt: skip
        assert browser.post("/notes", json={"text": "hi"}).status_code == 403
        csrf = csrf_of(browser.get("/accounts/login").text)
        assert browser.post("/notes", json={"text": "hi"}, headers={"X-CSRFToken": csrf}).json() == {"saved": "hi"}
    with httpx.Client(base_url=site_url) as api:
        pair = api.post("/accounts/token", json={"username": "jules", "password": STRONG}).json()
        bearer = {"Authorization": f"Bearer {pair['access']}"}
        assert api.get("/dashboard", headers=bearer).json() == {"user": "jules"}
        assert api.post("/notes", json={"text": "api"}, headers=bearer).json() == {"saved": "api"}
        forged = api.get("/dashboard", headers={"Authorization": "Bearer " + pair["access"][:-4] + "AAAA"})
        assert forged.status_code == 401 and forged.headers["www-authenticate"].startswith("Bearer")


def test_bad_host_is_refused(site_url: str) -> None:
    assert httpx.get(f"{site_url}/dashboard", headers={"Host": "evil.example"}).status_code == 400
