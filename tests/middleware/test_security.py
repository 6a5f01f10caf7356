"""SecurityMiddleware: protective headers, HSTS on HTTPS only, SSL redirect and the proxy header."""

from __future__ import annotations

import pytest
from requests_in_memory import make_request, ok_view, run

from covet.conf import settings
from covet.exceptions import ImproperlyConfigured
from covet.http import PlainTextResponse, Request, Response
from covet.middleware.security import SecurityMiddleware, format_csp


async def test_default_headers() -> None:
    response = await run(SecurityMiddleware, make_request())
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["cross-origin-opener-policy"] == "same-origin"
    assert response.headers["x-frame-options"] == "DENY"
    assert "strict-transport-security" not in response.headers
    assert "content-security-policy" not in response.headers


async def test_hsts_only_on_https() -> None:
    with settings.override(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True):
        secure = await run(SecurityMiddleware, make_request(scheme="https"))
        plain = await run(SecurityMiddleware, make_request(scheme="http"))
    assert secure.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload"
    assert "strict-transport-security" not in plain.headers


async def test_ssl_redirect_and_exemptions() -> None:
    with settings.override(SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=[r"^health$"]):
        redirected = await run(SecurityMiddleware, make_request(path="/a/b?x=1"))
        exempt = await run(SecurityMiddleware, make_request(path="/health"))
        already = await run(SecurityMiddleware, make_request(scheme="https"))
    assert redirected.status_code == 301
    assert redirected.headers["location"] == "https://testserver/a/b?x=1"
    assert exempt.status_code == 200 and already.status_code == 200


async def test_proxy_ssl_header_is_honoured_only_when_configured() -> None:
    forwarded = {"X-Forwarded-Proto": "https"}
    with settings.override(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=60):
        spoofed = await run(SecurityMiddleware, make_request(headers=forwarded))
    assert spoofed.status_code == 301  # the header means nothing unless the proxy is declared
    with settings.override(
        SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=60, SECURE_PROXY_SSL_HEADER=("X-Forwarded-Proto", "https")
    ):
        behind_proxy = await run(SecurityMiddleware, make_request(headers=forwarded))
        plain_behind_proxy = await run(SecurityMiddleware, make_request(headers={"X-Forwarded-Proto": "http"}))
    assert behind_proxy.status_code == 200
    assert behind_proxy.headers["strict-transport-security"] == "max-age=60"
    assert plain_behind_proxy.status_code == 301


async def test_csp_from_dict_and_view_overrides_are_kept() -> None:
    policy = {"default-src": ["'self'"], "img-src": ["'self'", "data:"], "upgrade-insecure-requests": []}
    assert format_csp(policy) == "default-src 'self'; img-src 'self' data:; upgrade-insecure-requests"

    async def framed_view(request: Request) -> Response:
        return PlainTextResponse("embed me", headers={"X-Frame-Options": "SAMEORIGIN"})

    with settings.override(SECURE_CONTENT_SECURITY_POLICY=policy, X_FRAME_OPTIONS=None):
        response = await run(SecurityMiddleware, make_request(), framed_view)
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert response.headers["x-frame-options"] == "SAMEORIGIN"


async def test_ssl_redirect_never_goes_to_a_host_that_is_not_allowed() -> None:
    with settings.override(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["testserver"]):
        response = await run(SecurityMiddleware, make_request(host="evil.example"))
    assert response.status_code == 400 and "location" not in response.headers
    with settings.override(SECURE_SSL_REDIRECT=True, SECURE_SSL_HOST="secure.example", ALLOWED_HOSTS=["testserver"]):
        pinned = await run(SecurityMiddleware, make_request(host="evil.example", path="/x"))
    assert pinned.headers["location"] == "https://secure.example/x"


def test_a_policy_that_would_split_the_headers_is_refused_at_startup() -> None:
    multi_line = "default-src 'self';\n    img-src *"
    with (
        settings.override(SECURE_CONTENT_SECURITY_POLICY=multi_line),
        pytest.raises(ImproperlyConfigured, match="SECURE_CONTENT_SECURITY_POLICY: Header 'Content-Security-Policy'"),
    ):
        SecurityMiddleware(ok_view)
