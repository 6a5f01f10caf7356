"""IPFilterMiddleware: allow or deny clients by address, with CIDR networks (``ipaddress``).

Settings: ``IPFILTER_ALLOW`` [[] = everyone] and ``IPFILTER_DENY`` [[]], lists of addresses or networks
(``"10.0.0.0/8"``, ``"2001:db8::/32"``, ``"203.0.113.7"``). Deny wins over allow. Refused clients get
403 and an ``ip_denied`` audit record. The address honours ``TRUSTED_PROXY_COUNT``
(covet.middleware.proxy); an address that cannot be parsed is refused whenever a list is set.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from covet.conf import settings
from covet.exceptions import ImproperlyConfigured
from covet.http import Request, Response
from covet.middleware import GetResponse
from covet.middleware.audit import audit
from covet.middleware.proxy import client_ip
from covet.middleware.refusal import refusal

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: Iterable[str], setting: str) -> list[Network]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{setting} entry {entry!r} is not an IP address or CIDR network: {exc}."
            ) from exc
    return networks


class IPFilterMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.allow = parse_networks(getattr(settings, "IPFILTER_ALLOW", []), "IPFILTER_ALLOW")
        self.deny = parse_networks(getattr(settings, "IPFILTER_DENY", []), "IPFILTER_DENY")

    def verdict(self, address: str) -> str | None:
        """None when allowed, else the reason for refusing."""
        try:
            ip = ipaddress.ip_address(address.split("%")[0])
        except ValueError:
            return f"client address {address!r} cannot be parsed"
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if any(ip in network for network in self.deny):
            return f"{ip} is in IPFILTER_DENY"
        if self.allow and not any(ip in network for network in self.allow):
            return f"{ip} is not in IPFILTER_ALLOW"
        return None

    async def __call__(self, request: Request) -> Response:
        if self.allow or self.deny:
            reason = self.verdict(client_ip(request))
            if reason is not None:
                audit("ip_denied", request, reason=reason)
                return refusal(403, "Forbidden (403)", reason)
        response: Response = await self.get_response(request)
        return response
