"""Cookies: a forgiving parser for the ``Cookie`` request header and a strict builder for ``Set-Cookie``.

The parser never raises: a browser or proxy that sends a broken pair costs that pair, not the request. The builder
refuses anything that would produce a header a browser misreads (or that could inject attributes), and says why.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import TypedDict, Unpack

# RFC 6265 4.1.1: a cookie name is an RFC 7230 token; a value is cookie-octets, optionally inside double quotes.
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_COOKIE_OCTETS = r"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*"
_COOKIE_VALUE = re.compile(rf'^(?:{_COOKIE_OCTETS}|"{_COOKIE_OCTETS}")$')
# Path and Domain attribute values: any printable character except ';'.
_ATTRIBUTE_VALUE = re.compile(r"^[\x20-\x3a\x3c-\x7e]*$")

SAMESITE_VALUES = {"lax": "Lax", "strict": "Strict", "none": "None"}


def parse_cookie_header(header: str) -> dict[str, str]:
    """Parse a ``Cookie`` header into ``{name: value}``; the first occurrence of a name wins.

    Pairs without ``=`` or with an empty name are skipped, surrounding quotes are removed, nothing is decoded
    further (cookies carry opaque strings).
    """
    cookies: dict[str, str] = {}
    for chunk in header.split(";"):
        name, separator, value = chunk.partition("=")
        name = name.strip()
        if not separator or not name:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        cookies.setdefault(name, value)
    return cookies


def _format_expires(expires: datetime | str | int) -> str:
    if isinstance(expires, datetime):
        moment = expires if expires.tzinfo else expires.replace(tzinfo=UTC)
        return format_datetime(moment.astimezone(UTC), usegmt=True)
    if isinstance(expires, int):
        # An int is "seconds from now", as in Starlette and Django.
        return format_datetime(datetime.fromtimestamp(datetime.now(UTC).timestamp() + expires, UTC), usegmt=True)
    if not _ATTRIBUTE_VALUE.match(expires):
        raise ValueError(f"Cookie expires={expires!r} contains ';' or a control character.")
    return expires


class CookieOptions(TypedDict, total=False):
    """The attributes of a ``Set-Cookie``; what is left out takes the secure default shown."""

    max_age: int | None  # None: a session cookie
    expires: datetime | str | int | None  # a datetime, an HTTP date, or seconds from now
    path: str | None  # "/"
    domain: str | None  # None: this host only
    secure: bool  # True
    httponly: bool  # True
    samesite: str | None  # "lax"; also "strict", "none" (needs secure) or None
    partitioned: bool  # False (CHIPS; needs secure)


def build_set_cookie(key: str, value: str = "", **options: Unpack[CookieOptions]) -> str:
    """The value of one ``Set-Cookie`` header, after validating every part of it."""
    if not _TOKEN.match(key):
        raise ValueError(
            f"Invalid cookie name {key!r}: use letters, digits and !#$%&'*+-.^_`|~ only (no spaces, '=', ';' or ',')."
        )
    if not _COOKIE_VALUE.match(value):
        raise ValueError(
            f"Invalid value for cookie {key!r}: spaces, '\"', ',', ';', '\\\\' and non-ASCII characters are not "
            "allowed. Encode the value first, for example with urllib.parse.quote() or base64.urlsafe_b64encode()."
        )
    max_age = options.get("max_age")
    expires = options.get("expires")
    path = options.get("path", "/")
    domain = options.get("domain")
    secure = options.get("secure", True)
    samesite = options.get("samesite", "lax")
    parts = [f"{key}={value}"]
    if max_age is not None:
        parts.append(f"Max-Age={int(max_age)}")
    if expires is not None:
        parts.append(f"Expires={_format_expires(expires)}")
    if domain is not None:
        if not domain or not _ATTRIBUTE_VALUE.match(domain):
            raise ValueError(f"Invalid cookie domain {domain!r}: it must be a non-empty host name without ';'.")
        parts.append(f"Domain={domain}")
    if path is not None:
        if not _ATTRIBUTE_VALUE.match(path):
            raise ValueError(f"Invalid cookie path {path!r}: it must not contain ';' or control characters.")
        parts.append(f"Path={path}")
    if secure:
        parts.append("Secure")
    if options.get("httponly", True):
        parts.append("HttpOnly")
    if samesite is not None:
        label = SAMESITE_VALUES.get(samesite.lower())
        if label is None:
            raise ValueError(f"Invalid samesite={samesite!r}: use 'lax', 'strict', 'none' or None.")
        if label == "None" and not secure:
            raise ValueError("samesite='none' requires secure=True: browsers reject such cookies otherwise.")
        parts.append(f"SameSite={label}")
    if options.get("partitioned", False):
        if not secure:
            raise ValueError("partitioned=True requires secure=True.")
        parts.append("Partitioned")
    return "; ".join(parts)
