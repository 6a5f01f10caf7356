"""RequestIdMiddleware: keeps a sane incoming id, replaces an unsafe one, and tags log records."""

from __future__ import annotations

import logging

import pytest
from requests_in_memory import make_request, run

from covet.http import PlainTextResponse, Request, Response
from covet.middleware.request_id import RequestIdLogFilter, RequestIdMiddleware, current_request_id

logger = logging.getLogger("tests.request_id")


async def logging_view(request: Request) -> Response:
    logger.warning("inside the view")
    return PlainTextResponse(str(current_request_id.get()))


@pytest.fixture
def tagged(caplog: pytest.LogCaptureFixture):  # type: ignore[no-untyped-def]
    caplog.handler.addFilter(RequestIdLogFilter())
    yield caplog
    caplog.handler.removeFilter(caplog.handler.filters[-1])


async def test_incoming_id_is_propagated_to_header_and_logs(tagged: pytest.LogCaptureFixture) -> None:
    response = await run(RequestIdMiddleware, make_request(headers={"x-request-id": "lb-1234.abc"}), logging_view)
    assert response.headers["x-request-id"] == "lb-1234.abc"
    assert response.body == b"lb-1234.abc"
    assert tagged.records[-1].request_id == "lb-1234.abc"  # type: ignore[attr-defined]
    assert current_request_id.get() is None


@pytest.mark.parametrize("bad", ["has space", "x" * 200, "new\nline", "<script>"])
async def test_unsafe_incoming_id_is_replaced(bad: str) -> None:
    request = make_request(headers={"x-request-id": bad.replace("\n", "")}) if "\n" not in bad else make_request()
    response = await run(RequestIdMiddleware, request, logging_view)
    generated = response.headers["x-request-id"]
    assert generated != bad and len(generated) == 32 and request.id == generated


def test_filter_outside_requests() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", (), None)
    RequestIdLogFilter().filter(record)
    assert record.request_id == "-"  # type: ignore[attr-defined]
