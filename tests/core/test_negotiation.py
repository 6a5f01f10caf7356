"""Accept-header negotiation of the error format."""

import pytest

from covet.core.negotiation import preferred_error_format, request_error_format


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text"),
        ("", "text"),
        ("*/*", "text"),
        ("application/json", "json"),
        ("application/problem+json", "json"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
        ("text/html;q=0.5, application/json", "json"),
        ("application/json;q=0.2, text/plain;q=0.9", "text"),
        ("application/json;q=0", "text"),
        ("application/json;q=abc, text/html", "html"),
        ("image/png", "text"),
    ],
)
def test_preferred_error_format(accept, expected) -> None:
    assert preferred_error_format(accept) == expected


def test_default_applies_without_a_named_format() -> None:
    assert preferred_error_format("*/*", default="html") == "html"


@pytest.mark.parametrize(
    ("accept", "content_type", "expected"),
    [
        (None, "application/json", "json"),
        ("*/*", "application/json; charset=utf-8", "json"),
        (None, "application/merge-patch+json", "json"),
        ("text/plain", "application/json", "text"),
        (None, "application/x-www-form-urlencoded", "text"),
        (None, None, "text"),
    ],
)
def test_a_json_body_makes_json_the_default(accept: str | None, content_type: str | None, expected: str) -> None:
    assert request_error_format(accept, content_type) == expected
