"""Exception handlers: MRO lookup, status codes, dotted paths, bad registrations, failing handlers, bad results."""

from __future__ import annotations

import logging

import pytest
from asgi_driving import asgi_client

from covet.core import CovetApp
from covet.exceptions import Http404, ImproperlyConfigured
from covet.http import PlainTextResponse
from covet.routing import Router


def make_router() -> Router:
    router = Router()

    @router.get("/key")
    async def raise_key(request):
        raise KeyError("k")

    @router.get("/index")
    async def raise_index(request):
        raise IndexError("i")

    @router.get("/value")
    async def raise_value(request):
        raise ValueError("v")

    @router.get("/missing")
    async def raise_404(request):
        raise Http404("no such thing")

    @router.get("/weird")
    async def weird(request):
        return {1, 2}

    return router


async def lookup_handler(request, exc):
    return PlainTextResponse(f"lookup: {type(exc).__name__}", status_code=422)


async def key_handler(request, exc):
    return PlainTextResponse("key handler", status_code=409)


def sync_value_handler(request, exc):
    return PlainTextResponse("sync handler", status_code=400)


async def test_handlers_follow_the_mro_most_specific_first() -> None:
    app = CovetApp(make_router(), exception_handlers={LookupError: lookup_handler, KeyError: key_handler})
    async with asgi_client(app) as client:
        assert (await client.get("/key")).text == "key handler"
        response = await client.get("/index")
        assert response.status_code == 422 and response.text == "lookup: IndexError"


async def test_sync_handler_and_status_code_handlers() -> None:
    async def not_found(request, exc):
        return PlainTextResponse(f"custom 404: {exc.detail}", status_code=404)

    async def server_error(request, exc):
        return PlainTextResponse("custom 500", status_code=500)

    app = CovetApp(make_router())
    app.add_exception_handler(ValueError, sync_value_handler)
    app.add_exception_handler(404, not_found)
    app.add_exception_handler(500, server_error)
    async with asgi_client(app) as client:
        assert (await client.get("/value")).text == "sync handler"
        assert (await client.get("/missing")).text == "custom 404: no such thing"
        assert (await client.get("/no-route")).text == "custom 404: Not Found"
        assert (await client.get("/key")).text == "custom 500"


async def test_dotted_paths_are_resolved() -> None:
    app = CovetApp(make_router(), exception_handlers={"builtins.KeyError": "served_views.teapot_handler"})
    async with asgi_client(app) as client:
        response = await client.get("/key")
        assert response.status_code == 418 and response.text == "teapot: 'k'"


@pytest.mark.parametrize(
    ("key", "handler", "message"),
    [
        ("nowhere.Nothing", lookup_handler, "cannot be imported"),
        (ValueError, "served_views.no_such_handler", "has no attribute 'no_such_handler'"),
        (ValueError, 42, "is not callable"),
        (302, lookup_handler, "must be an error status"),
        (3.5, lookup_handler, "must be an exception class"),
        (str, lookup_handler, "must be an exception class"),
    ],
)
async def test_bad_handler_registrations(key, handler, message) -> None:
    app = CovetApp(make_router(), exception_handlers={KeyError: key_handler})
    with pytest.raises(ImproperlyConfigured, match=message):
        app.add_exception_handler(key, handler)
    with pytest.raises(ImproperlyConfigured, match=message):
        CovetApp(make_router(), exception_handlers={key: handler})
    async with asgi_client(app) as client:  # the registry still works as before
        assert (await client.get("/key")).text == "key handler"


async def test_a_failing_handler_gives_a_logged_500(caplog: pytest.LogCaptureFixture) -> None:
    async def broken(request, exc):
        raise RuntimeError("handler broke")

    async def wrong_type(request, exc):
        return "not a response"

    app = CovetApp(make_router(), exception_handlers={KeyError: broken, IndexError: wrong_type})
    async with asgi_client(app) as client:
        with caplog.at_level(logging.ERROR, logger="covet.request"):
            response = await client.get("/key")
            assert response.status_code == 500
            assert "RuntimeError: handler broke" in caplog.text
            assert "KeyError: 'k'" in caplog.text  # the original error is chained in the log
            caplog.clear()
            response = await client.get("/index")
            assert response.status_code == 500
            assert "returned str; it must return a Response" in caplog.text


async def test_unconvertible_return_value_is_a_500_naming_the_view(caplog: pytest.LogCaptureFixture) -> None:
    app = CovetApp(make_router())
    async with asgi_client(app) as client:
        with caplog.at_level(logging.ERROR, logger="covet.request"):
            response = await client.get("/weird")
    assert response.status_code == 500
    assert "make_router.<locals>.weird returned set which Covet cannot turn into a response" in caplog.text
