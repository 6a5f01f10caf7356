"""IPFilterMiddleware: CIDR allow and deny lists, proxies, and bad configuration."""

from __future__ import annotations

import pytest
from requests_in_memory import make_request, run

from covet.conf import settings
from covet.exceptions import ImproperlyConfigured
from covet.middleware.ipfilter import IPFilterMiddleware


@pytest.mark.parametrize(
    ("address", "status"),
    [("10.1.2.3", 200), ("10.9.9.9", 403), ("192.168.0.5", 403), ("2001:db8::1", 200), ("::ffff:10.1.2.3", 200)],
)
async def test_allow_and_deny(address: str, status: int) -> None:
    with settings.override(IPFILTER_ALLOW=["10.0.0.0/8", "2001:db8::/32"], IPFILTER_DENY=["10.9.0.0/16"]):
        response = await run(IPFilterMiddleware, make_request(client=(address, 1)))
    assert response.status_code == status


async def test_no_lists_means_everyone_and_reason_in_debug() -> None:
    assert (await run(IPFilterMiddleware, make_request(client=("8.8.8.8", 1)))).status_code == 200
    with settings.override(IPFILTER_DENY=["8.8.8.8"], DEBUG=True):
        response = await run(IPFilterMiddleware, make_request(client=("8.8.8.8", 1)))
    assert response.status_code == 403 and b"8.8.8.8 is in IPFILTER_DENY" in response.body


async def test_forwarded_for_only_with_trusted_proxies() -> None:
    headers = {"x-forwarded-for": "203.0.113.9, 10.0.0.2"}
    with settings.override(IPFILTER_DENY=["203.0.113.0/24"]):
        assert (await run(IPFilterMiddleware, make_request(headers=headers))).status_code == 200
        with settings.override(TRUSTED_PROXY_COUNT=2):
            assert (await run(IPFilterMiddleware, make_request(headers=headers))).status_code == 403
        with settings.override(TRUSTED_PROXY_COUNT=1):  # the spoofable left entry is not used
            assert (await run(IPFilterMiddleware, make_request(headers=headers))).status_code == 200


def test_bad_entry_is_a_configuration_error() -> None:
    with settings.override(IPFILTER_ALLOW=["10.0.0.0/33"]), pytest.raises(ImproperlyConfigured, match="CIDR"):
        IPFilterMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
