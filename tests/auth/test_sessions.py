"""SessionMiddleware with each backend: saved only when modified, cycle_key, flush, and tampered cookies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from http.cookies import SimpleCookie

import pytest
from live_services import fresh_default_cache
from requests_in_memory import make_request

from covet.auth.sessions import Session, SessionMiddleware
from covet.auth.sessions.backends.cache import KEY_PREFIX
from covet.cache import caches
from covet.conf import settings
from covet.exceptions import ImproperlyConfigured
from covet.http import JSONResponse, Request, Response


@pytest.fixture(params=["signed_cookie", "cache-locmem", "cache-redis"])
async def engine(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    kind = "redis" if request.param == "cache-redis" else "locmem"
    async with fresh_default_cache(kind):
        with settings.override(SESSION_ENGINE=request.param.split("-")[0]):
            yield request.param


async def session_view(request: Request) -> Response:
    """GET shows the session; POST ?set=k=v stores; ?cycle cycles the key; ?flush empties it."""
    session: Session = request.session
    params = request.query_params
    if "set" in params:
        name, _, value = params["set"].partition("=")
        session[name] = value
    if "cycle" in params:
        session.cycle_key()
    if "flush" in params:
        session.flush()
    return JSONResponse(session.as_dict())


def cookies_set(response: Response) -> dict[str, SimpleCookie]:
    jar: dict[str, SimpleCookie] = {}
    for header in response.headers.getlist("set-cookie"):
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(header)
        jar.update({name: cookie for name in cookie})
    return jar


class Browser:
    """Keeps the session cookie between requests, like a browser would."""

    def __init__(self) -> None:
        self.cookie: str | None = None
        self.middleware = SessionMiddleware(session_view)

    async def get(self, path: str = "/") -> Response:
        headers = {"cookie": f"sessionid={self.cookie}"} if self.cookie else {}
        response = await self.middleware(make_request("GET", path, headers=headers))
        set_cookies = cookies_set(response)
        if "sessionid" in set_cookies:
            morsel = set_cookies["sessionid"]["sessionid"]
            self.cookie = morsel.value or None
        return response


def body(response: Response) -> dict:  # type: ignore[type-arg]
    import orjson

    return orjson.loads(response.body)  # type: ignore[no-any-return]


async def test_saved_only_when_modified(engine: str) -> None:
    browser = Browser()
    untouched = await browser.get("/")
    assert "set-cookie" not in untouched.headers
    saved = await browser.get("/?set=colour=blue")
    morsel = cookies_set(saved)["sessionid"]["sessionid"]
    assert morsel["httponly"] and morsel["samesite"] == "Lax" and morsel["path"] == "/"
    assert int(morsel["max-age"]) == 1209600
    assert not morsel["secure"]  # plain HTTP request; HTTPS requests get Secure
    assert body(await browser.get("/")) == {"colour": "blue"}
    assert "cookie" in saved.headers["vary"].lower()


async def test_secure_cookie_over_https(engine: str) -> None:
    middleware = SessionMiddleware(session_view)
    response = await middleware(make_request("GET", "/?set=a=1", scheme="https"))
    assert cookies_set(response)["sessionid"]["sessionid"]["secure"]


async def test_cycle_key_keeps_data_and_kills_the_old_key(engine: str) -> None:
    browser = Browser()
    await browser.get("/?set=user=7")
    old = browser.cookie
    await browser.get("/?cycle=1")
    assert body(await browser.get("/")) == {"user": "7"}
    if engine.startswith("cache"):  # a signed cookie has no server-side key to kill: its content is the session
        assert browser.cookie != old
        assert await caches["default"].get(KEY_PREFIX + str(old)) is None
        replay = Browser()
        replay.cookie = old
        assert body(await replay.get("/")) == {}


async def test_flush_empties_and_deletes_cookie(engine: str) -> None:
    browser = Browser()
    await browser.get("/?set=user=7")
    response = await browser.get("/?flush=1")
    assert cookies_set(response)["sessionid"]["sessionid"]["max-age"] == "0"
    assert browser.cookie is None
    assert body(await browser.get("/")) == {}


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c[:-2] + ("AA" if not c.endswith("AA") else "BB"),
        lambda c: ("B" if c.startswith("A") else "A") + c[1:],  # always a different first character
        lambda c: "garbage",
        lambda c: "x" * 43,
        lambda c: c + ":extra",
    ],
)
async def test_tampered_cookie_gives_a_new_empty_session(engine: str, tamper) -> None:  # type: ignore[no-untyped-def]
    browser = Browser()
    await browser.get("/?set=role=admin")
    good = str(browser.cookie)
    attacker = Browser()
    attacker.cookie = tamper(good)
    response = await attacker.get("/")
    assert response.status_code == 200
    assert body(response) == {}
    assert cookies_set(response)["sessionid"]["sessionid"]["max-age"] == "0"  # the bad cookie is removed
    assert body(await browser.get("/")) == {"role": "admin"}  # the real session is untouched


async def test_expire_at_browser_close(engine: str) -> None:
    with settings.override(SESSION_EXPIRE_AT_BROWSER_CLOSE=True):
        browser = Browser()
        response = await browser.get("/?set=a=1")
    assert cookies_set(response)["sessionid"]["sessionid"]["max-age"] == ""


async def test_signed_cookie_session_expires() -> None:
    with settings.override(SESSION_ENGINE="signed_cookie", SESSION_COOKIE_AGE=-1):
        browser = Browser()
        await browser.get("/?set=a=1")
        assert body(await browser.get("/")) == {}


def test_unknown_engine_is_a_configuration_error() -> None:
    with settings.override(SESSION_ENGINE="nowhere.Backend"), pytest.raises(ImproperlyConfigured, match="'cache'"):
        SessionMiddleware(session_view)


def test_session_tracks_changes() -> None:
    session = Session({"a": 1}, key="k")
    assert not session.modified and not session.accessed
    assert session["a"] == 1 and session.accessed and not session.modified
    session["b"] = 2
    assert session.modified
    assert repr(session) == "<Session saved 2 items modified>"
