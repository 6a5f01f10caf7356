"""View return values -> responses, and the errors for values Covet cannot convert."""

from collections import OrderedDict

import pytest

from covet.core.return_values import to_response
from covet.http import HTMLResponse, JSONResponse, PlainTextResponse, Response


def test_conversion_table() -> None:
    assert isinstance(to_response({"a": 1}), JSONResponse)
    assert to_response([1, 2]).body == b"[1,2]"
    assert to_response(OrderedDict(a=1)).body == b'{"a":1}'
    html = to_response("<p>x</p>")
    assert isinstance(html, HTMLResponse) and html.body == b"<p>x</p>"
    binary = to_response(b"\x00\x01")
    assert binary.body == b"\x00\x01" and binary.headers["content-type"] == "application/octet-stream"
    empty = to_response(None)
    assert empty.status_code == 204 and empty.body == b"" and "content-length" not in empty.headers
    given = PlainTextResponse("x")
    assert to_response(given) is given


def test_tuples_set_status_and_headers() -> None:
    response = to_response(({"created": True}, 201, {"location": "/x/1"}))
    assert response.status_code == 201 and response.headers["location"] == "/x/1"
    assert to_response(("gone", 410)).status_code == 410
    assert to_response((None, 202)).status_code == 202


async def sample_view(request):
    return object()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (object(), r"returned object which Covet cannot turn into a response"),
        (42, r"returned int which"),
        ((1, 2, 3, 4), r"a tuple must be \(body, status\) or \(body, status, headers\)"),
        (("x", "200"), r"with an int status"),
        (("x", True), r"with an int status"),
        (("x", 200, ["bad"]), r"use a dict of name -> value"),
        ((Response("x"), 201), r"returned Response as the body of its tuple"),
        (((1, 2), 200), r"returned tuple as the body of its tuple"),
    ],
)
def test_unsupported_values_name_the_view(value, message) -> None:
    with pytest.raises(TypeError, match=message) as info:
        to_response(value, sample_view)
    assert "test_return_values.sample_view" in str(info.value)
