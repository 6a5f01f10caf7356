"""request_is_secure / request_host with the proxy settings passed in (as the middleware do) instead of read."""

from __future__ import annotations

from requests_in_memory import make_request

from covet.conf import settings
from covet.http import Request, Response
from covet.middleware.proxy import request_host, request_is_secure
from covet.middleware.security import SecurityMiddleware


def test_passed_values_win_over_settings() -> None:
    request = make_request(host="internal:8000", headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "a.com"})
    with settings.override(SECURE_PROXY_SSL_HEADER=None, USE_X_FORWARDED_HOST=False):
        assert request_is_secure(request) is False
        assert request_is_secure(request, proxy_ssl_header=("X-Forwarded-Proto", "https")) is True
        assert request_host(request) == "internal:8000"
        assert request_host(request, use_forwarded_host=True) == "a.com"
    with settings.override(SECURE_PROXY_SSL_HEADER=("X-Forwarded-Proto", "https"), USE_X_FORWARDED_HOST=True):
        assert request_is_secure(request) is True
        assert request_is_secure(request, proxy_ssl_header=None) is False
        assert request_host(request, use_forwarded_host=False) == "internal:8000"


async def test_security_middleware_reads_the_proxy_header_when_built() -> None:
    async def view(request: Request) -> Response:
        return Response("ok")

    with settings.override(SECURE_HSTS_SECONDS=60, SECURE_PROXY_SSL_HEADER=("X-Forwarded-Proto", "https")):
        middleware = SecurityMiddleware(view)
    response = await middleware(make_request(headers={"X-Forwarded-Proto": "https"}))
    assert response.headers["strict-transport-security"] == "max-age=60"


def test_scheme_comes_from_the_scope_without_a_server_entry_too() -> None:
    request = make_request(scheme="https")
    request.scope.pop("server", None)
    assert request_is_secure(request) is True
