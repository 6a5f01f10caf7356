"""CsrfMiddleware: every unsafe method without a valid token is refused 403; good tokens, exemptions and origins."""

from __future__ import annotations

import logging
import re
from http.cookies import SimpleCookie

import pytest
from requests_in_memory import make_request, ok_view, run

from covet.auth.sessions import Session
from covet.conf import settings
from covet.http import HTMLResponse, Request, Response
from covet.middleware.csrf import CsrfMiddleware, csrf_exempt, csrf_input, get_token, origin_matches, rotate_token

UNSAFE = ["POST", "PUT", "PATCH", "DELETE"]


async def form_page(request: Request) -> Response:
    return HTMLResponse(f"<form>{csrf_input(request)}</form>")


async def fetch_token() -> tuple[str, str]:
    """GET a page with a form in cookie mode; return (the csrftoken cookie, the token in the page)."""
    response = await run(CsrfMiddleware, make_request(), form_page)
    cookie: SimpleCookie = SimpleCookie()
    cookie.load(response.headers["set-cookie"])
    match = re.search(r'name="csrf_token" value="([^"]+)"', response.body.decode())
    assert match is not None
    return cookie["csrftoken"].value, match.group(1)


@pytest.mark.parametrize("method", UNSAFE)
async def test_missing_cookie_or_token_is_refused(method: str, caplog: pytest.LogCaptureFixture) -> None:
    with settings.override(DEBUG=True), caplog.at_level(logging.WARNING, "covet.security"):
        no_cookie = await run(CsrfMiddleware, make_request(method))
        cookie, _ = await fetch_token()
        no_token = await run(CsrfMiddleware, make_request(method, headers={"cookie": f"csrftoken={cookie}"}))
    assert no_cookie.status_code == 403 and b"cookie not set" in no_cookie.body
    assert no_token.status_code == 403 and b"CSRF token missing" in no_token.body
    # the hint names what works in a template ({{ csrf_input }} from the context processor)
    assert b"{{ csrf_input }}" in no_cookie.body and b"{{ csrf_input }}" in no_token.body
    assert b"{{ csrf_input(request) }}" not in no_cookie.body
    assert [r.security_event for r in caplog.records].count("csrf_failure") == 2  # type: ignore[attr-defined]


@pytest.mark.parametrize("method", UNSAFE)
async def test_valid_header_token_passes(method: str) -> None:
    cookie, token = await fetch_token()
    request = make_request(method, headers={"cookie": f"csrftoken={cookie}", "x-csrftoken": token})
    assert (await run(CsrfMiddleware, request)).status_code == 200


async def test_valid_form_token_passes_and_the_view_still_reads_the_form() -> None:
    cookie, token = await fetch_token()
    seen = {}

    async def view(request: Request) -> Response:
        seen.update((await request.form()).items())
        return await ok_view(request)

    request = make_request(
        "POST",
        headers={"cookie": f"csrftoken={cookie}", "content-type": "application/x-www-form-urlencoded"},
        body=f"csrf_token={token}&title=hello".encode(),
    )
    assert (await run(CsrfMiddleware, request, view)).status_code == 200
    assert seen["title"] == "hello"


@pytest.mark.parametrize(
    ("bad_token", "reason"),
    [("not-base64!!", b"wrong format"), ("QUJD", b"wrong format"), (None, b"CSRF token incorrect")],
)
async def test_wrong_token_is_refused_with_reason(bad_token: str | None, reason: bytes) -> None:
    cookie, _ = await fetch_token()
    _, other_visitors_token = await fetch_token()
    token = bad_token if bad_token is not None else other_visitors_token
    with settings.override(DEBUG=True):
        response = await run(
            CsrfMiddleware, make_request("POST", headers={"cookie": f"csrftoken={cookie}", "x-csrftoken": token})
        )
    assert response.status_code == 403
    assert reason in response.body
    with settings.override(DEBUG=False):
        quiet = await run(CsrfMiddleware, make_request("POST", headers={"cookie": f"csrftoken={cookie}"}))
    assert quiet.body == b"Forbidden (403): CSRF verification failed.\n"


async def test_forged_cookie_is_refused() -> None:
    _, token = await fetch_token()
    forged = "a" * 64 + ":forgedsignature"
    response = await run(
        CsrfMiddleware, make_request("POST", headers={"cookie": f"csrftoken={forged}", "x-csrftoken": token})
    )
    assert response.status_code == 403


async def test_tokens_are_masked_differently_each_time() -> None:
    request = make_request()
    assert get_token(request) != get_token(request)


async def test_session_bound_secret() -> None:
    session = Session()
    request = make_request()
    request.session = session
    token = get_token(request)
    assert session.modified and "_csrf_secret" in session.as_dict()
    post = make_request("POST", headers={"x-csrftoken": token})
    post.session = Session(session.as_dict(), key="k")
    assert (await run(CsrfMiddleware, post)).status_code == 200
    other = make_request("POST", headers={"x-csrftoken": token})
    other.session = Session({}, key="other")  # another visitor's session: the token is not theirs
    assert (await run(CsrfMiddleware, other)).status_code == 403


async def test_rotate_token_invalidates_old_tokens() -> None:
    session = Session()
    request = make_request()
    request.session = session
    old = get_token(request)
    rotate_token(request)
    post = make_request("POST", headers={"x-csrftoken": old})
    post.session = Session(session.as_dict(), key="k")
    assert (await run(CsrfMiddleware, post)).status_code == 403


async def test_bearer_requests_and_exempt_views_skip_the_check() -> None:
    bearer = make_request("POST", headers={"authorization": "Bearer abc.def.ghi"})
    assert (await run(CsrfMiddleware, bearer)).status_code == 200

    @csrf_exempt
    async def webhook(request: Request) -> Response:
        return await ok_view(request)

    class Route:
        endpoint = webhook

    request = make_request("POST")
    request.scope["route"] = Route()
    assert (await run(CsrfMiddleware, request, webhook)).status_code == 200


async def test_https_origin_and_referer_checks() -> None:
    cookie, token = await fetch_token()
    base = {"cookie": f"csrftoken={cookie}", "x-csrftoken": token}

    async def post(**headers: str) -> Response:
        return await run(CsrfMiddleware, make_request("POST", scheme="https", headers={**base, **headers}))

    with settings.override(DEBUG=True, CSRF_TRUSTED_ORIGINS=["https://*.example.com"]):
        assert (await post(origin="https://testserver")).status_code == 200
        assert (await post(origin="https://app.example.com")).status_code == 200
        evil = await post(origin="https://evil.com")
        assert evil.status_code == 403 and b"Origin checking failed" in evil.body
        assert (await post(origin="null")).status_code == 403
        assert (await post(origin="http://testserver")).status_code == 403  # downgraded scheme
        no_referer = await post()
        assert no_referer.status_code == 403 and b"Referer" in no_referer.body
        assert (await post(referer="https://testserver/form")).status_code == 200
        assert (await post(referer="https://evil.com/form")).status_code == 403
        assert (await post(referer="http://testserver/form")).status_code == 403


def test_origin_patterns() -> None:
    assert origin_matches("https://a.example.com", "https://*.example.com")
    assert origin_matches("https://example.com", "https://*.example.com")
    assert not origin_matches("https://evilexample.com", "https://*.example.com")
    assert not origin_matches("http://a.example.com", "https://*.example.com")
    assert origin_matches("https://example.com/", "https://example.com")
