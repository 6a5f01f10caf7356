"""CORSMiddleware: allowed origins get the headers, preflights are answered or refused with the reason."""

from __future__ import annotations

from requests_in_memory import make_request, run

from covet.conf import settings
from covet.middleware.cors import CORSMiddleware

APP = "https://app.example.com"


async def test_simple_request_from_allowed_and_other_origins() -> None:
    with settings.override(CORS_ALLOWED_ORIGINS=[APP], CORS_EXPOSE_HEADERS=["X-Total"]):
        allowed = await run(CORSMiddleware, make_request(headers={"origin": APP}))
        other = await run(CORSMiddleware, make_request(headers={"origin": "https://evil.com"}))
        none = await run(CORSMiddleware, make_request())
    assert allowed.headers["access-control-allow-origin"] == APP
    assert allowed.headers["access-control-expose-headers"] == "X-Total"
    assert "origin" in allowed.headers["vary"].lower()
    assert "access-control-allow-origin" not in other.headers
    assert other.status_code == 200  # the browser, not the server, withholds the response
    assert "access-control-allow-origin" not in none.headers


async def test_preflight_allowed() -> None:
    headers = {"origin": APP, "access-control-request-method": "PUT", "access-control-request-headers": "Content-Type"}
    with settings.override(CORS_ALLOWED_ORIGINS=[APP], CORS_ALLOW_CREDENTIALS=True, CORS_PREFLIGHT_MAX_AGE=600):
        response = await run(CORSMiddleware, make_request("OPTIONS", headers=headers))
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == APP
    assert "PUT" in response.headers["access-control-allow-methods"]
    assert response.headers["access-control-max-age"] == "600"
    assert response.headers["access-control-allow-credentials"] == "true"


async def test_preflight_refused_with_reasons() -> None:
    headers = {
        "origin": "https://evil.com",
        "access-control-request-method": "TRACE",
        "access-control-request-headers": "x-secret",
    }
    with settings.override(CORS_ALLOWED_ORIGINS=[APP], DEBUG=True):
        response = await run(CORSMiddleware, make_request("OPTIONS", headers=headers))
    assert response.status_code == 403
    for fragment in (b"origin https://evil.com", b"method TRACE", b"headers x-secret"):
        assert fragment in response.body


async def test_allow_all_and_regexes() -> None:
    with settings.override(CORS_ALLOW_ALL_ORIGINS=True):
        star = await run(CORSMiddleware, make_request(headers={"origin": "https://x.test"}))
    with settings.override(CORS_ALLOW_ALL_ORIGINS=True, CORS_ALLOW_CREDENTIALS=True):
        echoed = await run(CORSMiddleware, make_request(headers={"origin": "https://x.test"}))
    with settings.override(CORS_ALLOWED_ORIGIN_REGEXES=[r"https://[a-z]+\.example\.com"]):
        matched = await run(CORSMiddleware, make_request(headers={"origin": "https://shop.example.com"}))
        unmatched = await run(CORSMiddleware, make_request(headers={"origin": "https://shop.example.com.evil"}))
    assert star.headers["access-control-allow-origin"] == "*"
    assert echoed.headers["access-control-allow-origin"] == "https://x.test"
    assert matched.headers["access-control-allow-origin"] == "https://shop.example.com"
    assert "access-control-allow-origin" not in unmatched.headers
