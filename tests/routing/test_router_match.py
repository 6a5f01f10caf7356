"""Router.match: static and parameter hits, priority, 404, 405 + Allow, HEAD, OPTIONS, slash redirects, decoding."""

import uuid

import pytest

from covet.exceptions import ImproperlyConfigured
from covet.routing import MatchStatus, Router


async def view(request, **params):
    return params


def other_view(request, **params):
    return params


@pytest.fixture
def router() -> Router:
    r = Router()
    r.add_route("/", view, name="home")
    r.add_route("/about/", view, name="about")
    r.add_route("/users", view, methods=["GET", "POST"], name="users")
    r.add_route("/users/me", other_view, name="me")
    r.add_route("/users/{id:int}", view, methods=["GET", "PUT"], name="user")
    r.add_route("/users/{username}", other_view, methods=["DELETE"], name="user-by-name")
    r.add_route("/objects/{key:uuid}", view, name="object")
    r.add_route("/files/{rest:path}", view, name="files")
    r.add_route("/tags/{tag:slug}/posts/{id:int}", view, name="tag-post")
    r.static("/health", "ok", name="health")
    return r


def test_static_hit(router: Router) -> None:
    match = router.match("GET", "/about/")
    assert match.status is MatchStatus.FOUND
    assert match.route is not None and match.route.name == "about"
    assert match.params == {}


def test_param_hit_converts_values(router: Router) -> None:
    match = router.match("GET", "/tags/python/posts/12")
    assert match.found and match.params == {"tag": "python", "id": 12}
    key = uuid.uuid4()
    assert router.match("GET", f"/objects/{key}").params == {"key": key}


def test_literal_beats_parameter(router: Router) -> None:
    assert router.match("GET", "/users/me").route.name == "me"  # type: ignore[union-attr]
    assert router.match("GET", "/users/7").route.name == "user"  # type: ignore[union-attr]


def test_method_picks_among_routes_matching_the_path(router: Router) -> None:
    match = router.match("DELETE", "/users/7")  # int route has no DELETE, str route does
    assert match.found and match.route.name == "user-by-name" and match.params == {"username": "7"}  # type: ignore[union-attr]


def test_converter_mismatch_falls_through_to_404(router: Router) -> None:
    assert router.match("GET", "/objects/not-a-uuid").status is MatchStatus.NOT_FOUND
    assert router.match("GET", "/tags/not a slug/posts/1").status is MatchStatus.NOT_FOUND
    assert router.match("GET", "/tags/py/posts/x").status is MatchStatus.NOT_FOUND


def test_404(router: Router) -> None:
    for path in ("/nope", "/users/7/extra", "/files/", "/files", "//", "/about/x"):
        match = router.match("GET", path)
        assert match.status is MatchStatus.NOT_FOUND, path
        assert match.route is None


def test_405_lists_every_method_for_the_path_sorted(router: Router) -> None:
    match = router.match("PATCH", "/users/7")
    assert match.status is MatchStatus.METHOD_NOT_ALLOWED
    # union over the int route (GET, PUT, implied HEAD) and the str route (DELETE), plus OPTIONS
    assert match.allowed_methods == ("DELETE", "GET", "HEAD", "OPTIONS", "PUT")
    assert match.allow_header == "DELETE, GET, HEAD, OPTIONS, PUT"
    assert router.match("POST", "/health").allowed_methods == ("GET", "HEAD", "OPTIONS")
    assert router.match("DELETE", "/users").allowed_methods == ("GET", "HEAD", "OPTIONS", "POST")


def test_head_is_served_by_get(router: Router) -> None:
    match = router.match("HEAD", "/users/3")
    assert match.found and match.route.name == "user"  # type: ignore[union-attr]
    assert router.match("HEAD", "/health").found


def test_explicit_head_route_wins_over_get() -> None:
    r = Router()
    r.add_route("/x", view, name="get-x")
    r.add_route("/x", other_view, methods=["HEAD"], name="head-x")
    assert r.match("HEAD", "/x").route.name == "head-x"  # type: ignore[union-attr]
    assert r.match("GET", "/x").route.name == "get-x"  # type: ignore[union-attr]


def test_options_without_a_route_is_method_not_allowed_with_allow(router: Router) -> None:
    match = router.match("OPTIONS", "/users")
    assert match.status is MatchStatus.METHOD_NOT_ALLOWED
    assert "OPTIONS" in match.allowed_methods


def test_append_slash_redirects_get_and_head_only(router: Router) -> None:
    for method in ("GET", "HEAD"):
        match = router.match(method, "/about")
        assert match.status is MatchStatus.REDIRECT and match.redirect_to == "/about/"
    assert router.match("POST", "/about").status is MatchStatus.NOT_FOUND
    assert router.match("GET", "/about", append_slash=False).status is MatchStatus.NOT_FOUND
    # a path that matches without the slash is served, not redirected
    assert router.match("GET", "/users").found
    # no redirect when the slashed path does not exist either
    assert router.match("GET", "/missing").status is MatchStatus.NOT_FOUND


def test_append_slash_redirect_keeps_percent_encoding() -> None:
    r = Router()
    r.add_route("/caf\u00e9/", view)
    match = r.match("GET", "/caf%C3%A9")
    assert match.status is MatchStatus.REDIRECT and match.redirect_to == "/caf%C3%A9/"


def test_append_slash_never_redirects_to_another_host() -> None:
    # /\evil.com would come back as "Location: /\evil.com/", which browsers follow to evil.com.
    r = Router()
    r.add_route("/{page}/", view)
    assert r.match("GET", "/docs").redirect_to == "/docs/"
    for path in ("/\\evil.com", "//evil.com"):
        assert r.match("GET", path).status is MatchStatus.NOT_FOUND


def test_percent_decoding_of_params_and_literals(router: Router) -> None:
    assert router.match("GET", "/users/j%C3%B6rg").status is MatchStatus.METHOD_NOT_ALLOWED
    assert router.match("DELETE", "/users/j%C3%B6rg").params == {"username": "j\u00f6rg"}
    # an encoded slash stays inside its segment
    assert router.match("DELETE", "/users/a%2Fb").params == {"username": "a/b"}
    assert router.match("GET", "/files/docs/a%20b.txt").params == {"rest": "docs/a b.txt"}
    assert router.match("GET", "/%61bout/").route.name == "about"  # type: ignore[union-attr]
    assert router.match("GET", "/users/%31%32").params == {"id": 12}


def test_catch_all_path(router: Router) -> None:
    assert router.match("GET", "/files/a/b/c.txt").params == {"rest": "a/b/c.txt"}
    assert router.match("GET", "/files/a").params == {"rest": "a"}


def test_static_route_record(router: Router) -> None:
    route = router.match("GET", "/health").route
    assert route is not None
    assert route.kind == "static" and route.endpoint is None
    assert route.body == b"ok" and route.content_type == "text/plain; charset=utf-8"
    r = Router()
    r.static("/robots.txt", b"User-agent: *", content_type="text/plain", headers={"Cache-Control": "max-age=60"})
    stored = r.routes[0]
    assert stored.body == b"User-agent: *" and stored.content_type == "text/plain; charset=utf-8"
    assert stored.headers == (("Cache-Control", "max-age=60"),)
    with pytest.raises(ImproperlyConfigured, match="must not have parameters"):
        r.static("/x/{id}", b"")
    with pytest.raises(ImproperlyConfigured, match="body must be bytes or str"):
        r.static("/y", 12)  # type: ignore[arg-type]
    with pytest.raises(ImproperlyConfigured, match="Static route '/z': Header 'X-Note' contains a line break"):
        r.static("/z", "z", headers={"X-Note": "a\r\nSet-Cookie: s=1"})
    with pytest.raises(ImproperlyConfigured, match="Header 'content-type' has characters outside Latin-1"):
        r.static("/z", "z", content_type="text/\u2603")
    assert len(r.routes) == 1


def test_decorators_register_methods_and_return_the_function() -> None:
    r = Router()
    for method in ("get", "post", "put", "patch", "delete", "head", "options"):
        decorated = getattr(r, method)(f"/{method}")(view)
        assert decorated is view
        assert r.match(method.upper(), f"/{method}").found
    r.route("/multi", methods=["get", "post"])(view)
    assert r.routes[-1].methods == frozenset({"GET", "POST"})


def test_conflicting_route_is_rejected_and_router_unchanged(router: Router) -> None:
    before = router.routes
    with pytest.raises(ImproperlyConfigured, match=r"conflicts with <Route GET,PUT '/users/\{id:int\}'"):
        router.add_route("/users/{pk:int}", other_view, methods=["PUT"])
    with pytest.raises(ImproperlyConfigured, match="Route name 'home' is used twice"):
        router.add_route("/home2", view, name="home")
    with pytest.raises(ImproperlyConfigured, match="conflicts"):
        router.add_route("/health", view)
    assert router.routes == before
    assert router.match("PUT", "/users/3").route.name == "user"  # type: ignore[union-attr]
    assert router.match("GET", "/home2").status is MatchStatus.NOT_FOUND
    # a different method on the same shape is fine
    router.add_route("/users/{pk:int}", other_view, methods=["PATCH"])
    assert router.match("PATCH", "/users/3").params == {"pk": 3}


@pytest.mark.parametrize(
    ("methods", "message"),
    [(["FETCH"], "unknown HTTP method"), ([], "must not be empty"), ("GET", "must be a list")],
)
def test_bad_methods(methods, message) -> None:
    r = Router()
    with pytest.raises(ImproperlyConfigured, match=message):
        r.add_route("/x", view, methods=methods)
    assert r.routes == ()


def test_non_callable_endpoint() -> None:
    r = Router()
    with pytest.raises(ImproperlyConfigured, match="is not callable"):
        r.add_route("/x", "not a function")  # type: ignore[arg-type]


def test_async_detection() -> None:
    r = Router()
    r.add_route("/a", view)
    r.add_route("/s", other_view)

    class AsyncCallable:
        async def __call__(self, request):
            return "x"

    r.add_route("/c", AsyncCallable())
    assert [route.is_async for route in r.routes] == [True, False, True]


def test_websocket_routes_are_separate_from_http() -> None:
    r = Router()

    @r.websocket("/ws/{room}", name="ws")
    async def chat(websocket, room):
        pass

    assert r.match("GET", "/ws/lobby").status is MatchStatus.NOT_FOUND
    match = r.match_websocket("/ws/lobby")
    assert match.found and match.params == {"room": "lobby"} and match.route.kind == "websocket"  # type: ignore[union-attr]
    assert not r.match_websocket("/nope").found
    assert r.reverse("ws", room="a b") == "/ws/a%20b"
    with pytest.raises(ImproperlyConfigured, match="must be an async function"):
        r.add_websocket_route("/sync", other_view)


@pytest.mark.parametrize("path", ["*", "", "about/", "http://example.com/about/"])
def test_paths_not_starting_with_a_slash_never_match(router: Router, path: str) -> None:
    assert router.match("OPTIONS", path).status is MatchStatus.NOT_FOUND
    assert router.match("GET", path).status is MatchStatus.NOT_FOUND
    assert not router.match_websocket(path).found


def test_endpoint_signature_is_checked_at_registration() -> None:
    r = Router()

    async def no_param(request):
        return "x"

    async def no_request():
        return "x"

    async def extra_required(request, id, page):
        return "x"

    async def flexible(request, **params):
        return params

    async def with_default(request, id, page=1):
        return "x"

    with pytest.raises(
        ImproperlyConfigured, match=r"no_param\(request\) cannot be called as .*no_param\(request, id\)"
    ):
        r.add_route("/a/{id:int}", no_param)
    with pytest.raises(ImproperlyConfigured, match="takes the request first"):
        r.add_route("/b", no_request)
    with pytest.raises(ImproperlyConfigured, match="missing a required argument: 'page'"):
        r.add_route("/c/{id:int}", extra_required)
    assert r.routes == ()
    r.add_route("/d/{id:int}", flexible)
    r.add_route("/e/{id:int}", with_default)
    r.add_route("/f", lambda request: "x")
    assert len(r.routes) == 3
    # a prefix parameter must be accepted by the included views too; nothing is added otherwise
    sub = Router()
    sub.add_route("/{id:int}", with_default)
    with pytest.raises(ImproperlyConfigured, match="cannot be called as"):
        r.include(sub, prefix="/users/{user_id:int}")
    assert len(r.routes) == 3
