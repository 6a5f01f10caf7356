"""Cookie header parsing and Set-Cookie building."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from covet.http.cookies import build_set_cookie, parse_cookie_header


def test_parse_cookie_header() -> None:
    assert parse_cookie_header('a=1; b="quoted value"; c=; d=x=y') == {
        "a": "1",
        "b": "quoted value",
        "c": "",
        "d": "x=y",
    }
    assert parse_cookie_header("") == {}
    assert parse_cookie_header("a=first; a=second") == {"a": "first"}
    assert parse_cookie_header(";;; =1; noequals; ok=yes") == {"ok": "yes"}


def test_secure_defaults() -> None:
    assert build_set_cookie("sid", "abc") == "sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax"


def test_all_attributes() -> None:
    when = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))
    header = build_set_cookie(
        "k", '"v"', max_age=60, expires=when, path="/app", domain="example.com", samesite="strict", partitioned=True
    )
    assert header == (
        'k="v"; Max-Age=60; Expires=Wed, 02 Jan 2030 01:04:05 GMT; Domain=example.com; Path=/app; '
        "Secure; HttpOnly; SameSite=Strict; Partitioned"
    )


def test_expires_as_seconds_or_string_and_insecure_opt_out() -> None:
    header = build_set_cookie("k", "v", expires=3600, secure=False, httponly=False, samesite=None, path=None)
    expires = header.removeprefix("k=v; Expires=")
    moment = datetime.strptime(expires, "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC)
    assert abs((moment - datetime.now(UTC)).total_seconds() - 3600) < 5
    assert build_set_cookie("k", "v", expires="Thu, 01 Jan 1970 00:00:00 GMT").count("Expires=Thu, 01 Jan 1970") == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"key": "bad name"}, "Invalid cookie name"),
        ({"key": "a;b"}, "Invalid cookie name"),
        ({"key": ""}, "Invalid cookie name"),
        ({"value": "has space"}, "urllib.parse.quote"),
        ({"value": "a;Domain=evil.com"}, "Invalid value"),
        ({"value": "naïve"}, "non-ASCII"),
        ({"path": "/a;Domain=evil"}, "Invalid cookie path"),
        ({"domain": "x;y"}, "Invalid cookie domain"),
        ({"domain": ""}, "Invalid cookie domain"),
        ({"expires": "Thu; HttpOnly"}, "expires"),
        ({"samesite": "sometimes"}, "Invalid samesite"),
        ({"samesite": "none", "secure": False}, "requires secure=True"),
        ({"partitioned": True, "secure": False}, "requires secure=True"),
    ],
)
def test_invalid_cookies_are_refused_with_a_reason(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"key": "k", "value": "v", **kwargs}
    with pytest.raises(ValueError, match=message):
        build_set_cookie(**arguments)  # type: ignore[arg-type]


def test_samesite_none_with_secure() -> None:
    assert build_set_cookie("k", "v", samesite="None").endswith("SameSite=None")
