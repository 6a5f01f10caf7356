"""AllowedHostsMiddleware: allowed names, wildcards, ports, DEBUG defaults, and 400 for everything else."""

from __future__ import annotations

import logging

import pytest
from requests_in_memory import make_request, ok_view, run

from covet.conf import settings
from covet.middleware.hosts import AllowedHostsMiddleware, host_matches


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("example.com", True),
        ("EXAMPLE.com:8443", True),
        ("example.com.", True),
        ("api.example.org", True),
        ("example.org", True),
        ("deep.api.example.org:80", True),
        ("[::1]:8000", True),
        ("evilexample.org", False),
        ("example.com.evil.net", False),
        ("evil.com", False),
        ("", False),
        ("example.com/../", False),
        ("example.com:80:80", False),
        ("exa mple.com", False),
    ],
)
async def test_host_validation(host: str, allowed: bool) -> None:
    with settings.override(ALLOWED_HOSTS=["example.com", ".example.org", "[::1]"]):
        response = await run(AllowedHostsMiddleware, make_request(host=host))
    assert response.status_code == (200 if allowed else 400)


async def test_bad_host_is_400_with_reason_in_debug_and_audited(caplog: pytest.LogCaptureFixture) -> None:
    with settings.override(ALLOWED_HOSTS=["example.com"], DEBUG=True), caplog.at_level(logging.WARNING):
        response = await run(AllowedHostsMiddleware, make_request(host="evil.com"))
    assert response.status_code == 400
    assert b"add 'evil.com' to settings.ALLOWED_HOSTS" in response.body
    assert any(getattr(r, "security_event", None) == "disallowed_host" for r in caplog.records)
    with settings.override(ALLOWED_HOSTS=["example.com"], DEBUG=False):
        quiet = await run(AllowedHostsMiddleware, make_request(host="evil.com"))
    assert quiet.body == b"Bad Request (400)\n"


async def test_x_forwarded_host_is_ignored_unless_enabled() -> None:
    headers = {"X-Forwarded-Host": "example.com"}
    with settings.override(ALLOWED_HOSTS=["example.com"]):
        assert (await run(AllowedHostsMiddleware, make_request(host="evil.com", headers=headers))).status_code == 400
        with settings.override(USE_X_FORWARDED_HOST=True):
            response = await run(AllowedHostsMiddleware, make_request(host="internal:8000", headers=headers))
    assert response.status_code == 200


async def test_debug_with_empty_list_allows_localhost_only() -> None:
    with settings.override(ALLOWED_HOSTS=[], DEBUG=True):
        assert (await run(AllowedHostsMiddleware, make_request(host="localhost:8000"))).status_code == 200
        assert (await run(AllowedHostsMiddleware, make_request(host="127.0.0.1"))).status_code == 200
        assert (await run(AllowedHostsMiddleware, make_request(host="example.com"))).status_code == 400
    with settings.override(ALLOWED_HOSTS=[], DEBUG=False):
        assert (await run(AllowedHostsMiddleware, make_request(host="localhost"))).status_code == 400


def test_star_allows_any() -> None:
    assert host_matches("anything.test", "*")


async def test_verdicts_stay_right_when_many_hosts_churn_the_cache() -> None:
    # The middleware remembers a bounded number of Host verdicts; a flood of made-up hosts must neither grow
    # that memory without bound nor change an answer.
    with settings.override(ALLOWED_HOSTS=["example.com"]):
        middleware = AllowedHostsMiddleware(ok_view)
        for number in range(1000):
            assert (await middleware(make_request(host=f"evil{number}.net"))).status_code == 400
            assert (await middleware(make_request(host="example.com"))).status_code == 200
        assert len(middleware._verdicts) <= 256
