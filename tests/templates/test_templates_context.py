"""Context processors and template globals, through real requests with the session and CSRF middleware."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from template_site import Site

from covet import messages
from covet.auth.sessions import SessionMiddleware
from covet.conf import settings
from covet.core import CovetApp
from covet.http import Request
from covet.middleware.csrf import CsrfMiddleware
from covet.routing import Router, include
from covet.templates import render
from covet.testing import TestClient


def app_with(router: Router) -> TestClient:
    return TestClient(CovetApp(router, middleware=[SessionMiddleware, CsrfMiddleware]))


def test_request_user_debug_and_static_url(site: Site) -> None:
    site.write("ctx.html", "{{ request.method }} {{ request.path }}|{{ user }}|{{ user.is_authenticated }}|"
                           "{{ debug }}|{{ STATIC_URL }}")  # fmt: skip
    router = Router()

    @router.get("/ctx")
    async def ctx(request: Request) -> Any:
        return render(request, "ctx.html")

    assert app_with(router).get("/ctx").text == "GET /ctx|AnonymousUser|False|False|/static/"
    with settings.override(DEBUG=True):
        assert app_with(router).get("/ctx").text.endswith("|True|/static/")


def test_view_context_wins_over_processors(site: Site) -> None:
    site.write("override.html", "{{ debug }}")
    router = Router()

    @router.get("/")
    async def index(request: Request) -> Any:
        return render(request, "override.html", {"debug": "mine"})

    assert app_with(router).get("/").text == "mine"


def test_csrf_input_in_a_page_lets_the_form_post(site: Site) -> None:
    site.write("form.html", '<form method="post">{{ csrf_input }}</form>|{{ csrf_token }}')
    router = Router()

    @router.get("/form")
    async def form(request: Request) -> Any:
        return render(request, "form.html")

    @router.post("/form")
    async def submit(request: Request) -> Any:
        return {"ok": True}

    client = app_with(router)
    page = client.get("/form")
    match = re.search(r'<input type="hidden" name="csrf_token" value="([^"]+)"></form>\|(\S+)$', page.text)
    assert match, page.text
    token_in_input, token_printed = match.groups()
    assert token_in_input == token_printed  # one token per page
    assert "sessionid" in page.cookies  # rendering the token stored the secret: the session was saved
    assert client.post("/form", data={"csrf_token": token_in_input}).json() == {"ok": True}
    assert client.post("/form", data={"csrf_token": "forged"}).status_code == 403


def test_pages_without_a_csrf_token_create_no_session(site: Site) -> None:
    site.write("plain.html", "{% if false %}{{ csrf_input }}{% endif %}plain")
    router = Router()

    @router.get("/")
    async def index(request: Request) -> Any:
        return render(request, "plain.html")

    response = app_with(router).get("/")
    assert response.text == "plain" and "set-cookie" not in response.headers


def test_flash_messages_are_shown_once(site: Site) -> None:
    site.write(
        "messages.html",
        """
        {% for message in messages %}<p class="{{ message.tags }}">{{ message }}</p>{% endfor %}
        {{- messages|length }}""",
    )
    router = Router()

    @router.post("/save")
    async def save(request: Request) -> Any:
        messages.success(request, "Saved <b>it</b>.")
        messages.error(request, "But one thing failed.", extra_tags="sticky")
        return {"ok": True}

    @router.get("/page")
    async def page(request: Request) -> Any:
        return render(request, "messages.html")

    client = TestClient(CovetApp(router, middleware=[SessionMiddleware]))
    client.post("/save")
    first = client.get("/page").text
    assert first == ('<p class="success">Saved &lt;b&gt;it&lt;/b&gt;.</p>'
                     '<p class="sticky error">But one thing failed.</p>2')  # fmt: skip
    assert client.get("/page").text == "0"


def test_url_global_uses_the_serving_router_and_root_path(site: Site) -> None:
    site.write("links.html", "{{ url('shop:item', id=7) }} {{ url('home') }}")
    shop = Router()

    @shop.get("/items/{id:int}", name="item")
    async def item(request: Request, id: int) -> Any:
        return render(request, "links.html")

    root = Router()
    root.include(include(shop, prefix="/shop", namespace="shop"))

    @root.get("/", name="home")
    async def home(request: Request) -> Any:
        return {}

    client = TestClient(CovetApp(root))
    assert client.get("/shop/items/7").text == "/shop/items/7 /"
    mounted = TestClient(CovetApp(root), root_path="/mount")
    assert mounted.get("/mount/shop/items/7").text == "/mount/shop/items/7 /mount/"


def test_static_global_emits_hashed_names_from_the_manifest(site: Site) -> None:
    site.write("assets.html", "{{ static('css/site.css') }} {{ static('/js/app.js') }} {{ static('img/a b.png') }}")
    router = Router()

    @router.get("/")
    async def index(request: Request) -> Any:
        return render(request, "assets.html")

    client = TestClient(CovetApp(router))
    assert client.get("/").text == "/static/css/site.css /static/js/app.js /static/img/a%20b.png"
    static_root: Path = settings.STATIC_ROOT
    static_root.mkdir()
    manifest = {"version": 1, "paths": {"css/site.css": "css/site.0123456789ab.css"}}
    (static_root / "staticfiles.json").write_text(json.dumps(manifest), encoding="utf-8")
    from covet.staticfiles.manifest import reset_manifest_cache

    reset_manifest_cache()
    assert client.get("/").text == "/static/css/site.0123456789ab.css /static/js/app.js /static/img/a%20b.png"
    with settings.override(DEBUG=True):  # in development, plain names (served from the source directories)
        assert client.get("/").text.startswith("/static/css/site.css ")
    with settings.override(STATIC_URL="https://cdn.example.com/assets"):
        assert client.get("/").text.startswith("https://cdn.example.com/assets/css/site.0123456789ab.css ")
