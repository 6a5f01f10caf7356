"""DEBUG error pages: traceback frames and locals, escaping, masking of secrets, and the 404 pattern list."""

from __future__ import annotations

from asgi_driving import asgi_client

from covet.core import CovetApp
from covet.core.debug.masking import MASK, cleanse, masked_pairs, settings_summary
from covet.exceptions import Http404
from covet.http import Address, Headers
from covet.routing import Router


def make_app(debug: bool = True) -> CovetApp:
    router = Router()

    @router.get("/boom/{name}", name="boom")
    async def boom(request, name):
        api_token = request.headers.get("x-api-token")  # noqa: F841 - must be masked in locals and headers
        note = "<b>not bold</b>"  # noqa: F841 - must be escaped
        raise ValueError(f"bad <input> for {name}")

    @router.get("/chained")
    async def chained(request):
        try:
            {}["missing"]
        except KeyError as exc:
            raise RuntimeError("while looking up") from exc

    @router.get("/gone")
    async def gone(request):
        raise Http404("that post was deleted")

    @router.post("/posts/{id:int}", name="post-update")
    async def update(request, id):
        return "ok"

    return CovetApp(router, debug=debug)


HTML = {"accept": "text/html"}


async def test_debug_500_page_shows_traceback_locals_and_request() -> None:
    async with asgi_client(make_app()) as client:
        response = await client.get(
            "/boom/x%3Cy?q=%3Cscript%3E&page=2",
            headers={
                **HTML,
                "x-api-token": "tok-123-secret",
                "authorization": "Bearer very-secret",
                "x-custom": "<i>hdr</i>",
                "cookie": "sid=abc",
            },
        )
    assert response.status_code == 500
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    request_id = response.headers["x-request-id"]
    assert f"<code>{request_id}</code>" in page
    assert "ValueError at /boom/x&lt;y" in page
    assert "bad &lt;input&gt; for x&lt;y" in page
    assert "in <code>make_app.&lt;locals&gt;.boom</code>" in page
    assert "raise ValueError(f&#34;bad &lt;input&gt; for {name}&#34;)" in page  # the source line, escaped
    # locals: escaped, secrets masked
    assert "&#39;&lt;b&gt;not bold&lt;/b&gt;&#39;" in page and "<b>not bold</b>" not in page
    assert "tok-123-secret" not in page and MASK in page
    # request details
    assert "&lt;script&gt;" in page and "<script>" not in page.replace("<script>alert", "")
    assert "very-secret" not in page and "sid=abc" not in page
    assert "&lt;i&gt;hdr&lt;/i&gt;" in page
    assert "/boom/{name}" in page
    assert "Settings are not configured." in page or "<h2>Settings</h2>" in page


async def test_debug_500_shows_the_exception_chain() -> None:
    async with asgi_client(make_app()) as client:
        page = (await client.get("/chained", headers=HTML)).text
    assert page.index("KeyError") < page.index("The above exception was the direct cause")
    assert "RuntimeError</strong>: while looking up" in page


async def test_debug_500_for_json_clients_is_a_text_traceback() -> None:
    async with asgi_client(make_app()) as client:
        response = await client.get("/boom/x", headers={"accept": "application/json"})
    assert response.status_code == 500
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text.startswith("ValueError at GET /boom/x (request id: ")
    assert "Traceback (most recent call last)" in response.text


async def test_no_debug_page_without_debug() -> None:
    async with asgi_client(make_app(debug=False)) as client:
        response = await client.get("/boom/x", headers=HTML)
    assert response.text.startswith("Internal Server Error (request id: ")
    assert "ValueError" not in response.text


async def test_debug_404_lists_the_patterns_tried() -> None:
    async with asgi_client(make_app()) as client:
        response = await client.get("/nothing/%3Cscript%3E", headers=HTML)
    assert response.status_code == 404
    page = response.text
    assert "Covet tried these URL patterns, in this order, and none matched" in page
    assert "<code>/boom/{name}</code>" in page and "<code>/posts/{id:int}</code>" in page
    assert "post-update" in page
    assert "<script>" not in page.split("<style>")[0] + page.split("</style>")[1]


async def test_debug_404_raised_by_a_view_names_it() -> None:
    async with asgi_client(make_app()) as client:
        page = (await client.get("/gone", headers=HTML)).text
    assert "Raised by <code>test_debug_pages.make_app.&lt;locals&gt;.gone</code>: that post was deleted" in page


async def test_debug_404_for_api_clients_stays_json() -> None:
    async with asgi_client(make_app()) as client:
        response = await client.get("/nothing", headers={"accept": "application/json"})
    assert response.json() == {"detail": "Not Found"}


def test_cleanse_masks_nested_secrets_and_url_passwords() -> None:
    databases = {"default": {"URL": "postgresql://user:s3cret@db/app", "POOL_SIZE": 5}}
    cleaned = cleanse("DATABASES", databases)
    assert cleaned == {"default": {"URL": f"postgresql://user:{MASK}@db/app", "POOL_SIZE": 5}}
    assert cleanse("SECRET_KEY", "abc") == MASK
    assert cleanse("CACHES", [{"PASSWORD": "x", "LOCATION": "redis://:pw@h:6379/0"}]) == [
        {"PASSWORD": MASK, "LOCATION": f"redis://:{MASK}@h:6379/0"}
    ]
    assert cleanse("DEBUG", True) is True


def test_masked_headers() -> None:
    headers = Headers(raw=[(b"authorization", b"Bearer x"), (b"cookie", b"a=b"), (b"accept", b"*/*")])
    assert masked_pairs(headers.items()) == [("authorization", MASK), ("cookie", MASK), ("accept", "*/*")]


def test_cleanse_keeps_namedtuples() -> None:
    # Rebuilding a namedtuple from one generator raised TypeError, which broke the page for such a setting.
    point = Address("127.0.0.1", 8000)
    assert cleanse("BIND", point) is point


async def test_debug_500_masks_secrets_inside_locals_and_the_query() -> None:
    secret = "hunter" + "2"  # built at run time: the page also shows the source lines around the raise
    router = Router()

    @router.post("/signup")
    async def signup(request):
        submitted = {"username": "ada", "password": secret}  # noqa: F841 - masked by its key
        dsn = f"postgresql://app:{secret}@db/app"  # noqa: F841 - the URL's password is masked
        raise RuntimeError("signup failed")

    async with asgi_client(CovetApp(router, debug=True)) as client:
        page = (await client.post(f"/signup?api_key={secret}&next=/home", headers=HTML)).text
    assert "signup failed" in page and "&#39;ada&#39;" in page and "next=/home" in page
    assert secret not in page


class FakeSettings:
    is_configured = True
    DEBUG = True
    SECRET_KEY = "s3cr3t"
    DATABASES = {"default": {"URL": "postgresql://u:pw@h/db"}}
    lower_case = "ignored"


def test_settings_summary_masks_and_skips_unconfigured() -> None:
    summary = dict(settings_summary(FakeSettings()))
    assert summary["SECRET_KEY"] == repr(MASK)
    assert "pw@" not in summary["DATABASES"]
    assert "lower_case" not in summary
    assert settings_summary(object()) == []


def test_broken_repr_does_not_break_the_page() -> None:
    from covet.core.debug.frames import safe_repr

    class Broken:
        def __repr__(self):
            raise RuntimeError("no repr")

    assert safe_repr(Broken()).startswith("<Broken instance at ")
    assert len(safe_repr("x" * 10_000)) < 500
