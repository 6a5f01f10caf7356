"""reverse(): building paths, converter validation, encoding and the NoReverseMatch messages."""

import uuid

import pytest

from covet.routing import NoReverseMatch, Router


async def view(request, **params):
    return params


@pytest.fixture
def router() -> Router:
    r = Router()
    r.add_route("/", view, name="home")
    r.add_route("/posts/{id:int}", view, name="post")
    r.add_route("/posts/{id:int}/comments/{slug:slug}", view, name="comment")
    r.add_route("/u/{name}", view, name="user")
    r.add_route("/files/{rest:path}", view, name="file")
    r.add_route("/obj/{key:uuid}", view, name="obj")
    return r


def test_reverse_builds_paths(router: Router) -> None:
    assert router.reverse("home") == "/"
    assert router.reverse("post", id=3) == "/posts/3"
    assert router.reverse("comment", id=3, slug="first-one") == "/posts/3/comments/first-one"
    key = uuid.uuid4()
    assert router.reverse("obj", key=key) == f"/obj/{key}"


def test_reverse_percent_encodes_and_round_trips(router: Router) -> None:
    path = router.reverse("user", name="j\u00f6rg/x y")
    assert path == "/u/j%C3%B6rg%2Fx%20y"
    assert router.match("GET", path).params == {"name": "j\u00f6rg/x y"}
    path = router.reverse("file", rest="docs/read me.txt")
    assert path == "/files/docs/read%20me.txt"
    assert router.match("GET", path).params == {"rest": "docs/read me.txt"}


def test_unknown_name_lists_names_and_suggests(router: Router) -> None:
    with pytest.raises(NoReverseMatch) as info:
        router.reverse("posts", id=1)
    message = str(info.value)
    assert "No route named 'posts'. Did you mean 'post'?" in message
    assert "Available names: comment, file, home, obj, post, user." in message


def test_missing_and_unexpected_params(router: Router) -> None:
    with pytest.raises(NoReverseMatch, match=r"missing slug; unexpected page\. It takes exactly: id, slug\."):
        router.reverse("comment", id=1, page=2)
    with pytest.raises(NoReverseMatch, match="It takes exactly: no parameters"):
        router.reverse("home", id=1)


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("post", {"id": -1}, r"id=-1 does not fit the 'int' converter"),
        ("post", {"id": "abc"}, r"id='abc' does not fit the 'int' converter"),
        ("post", {"id": 1.5}, r"id=1.5 does not fit the 'int' converter"),
        ("comment", {"id": 1, "slug": "no spaces"}, r"slug='no spaces' does not fit the 'slug' converter"),
        ("obj", {"key": "nope"}, r"key='nope' does not fit the 'uuid' converter"),
        ("user", {"name": ""}, r"name='' does not fit the 'str' converter"),
    ],
)
def test_params_are_validated_by_converters(router: Router, name, params, message) -> None:
    with pytest.raises(NoReverseMatch, match=message):
        router.reverse(name, **params)


def test_no_named_routes_message() -> None:
    with pytest.raises(NoReverseMatch, match=r"Available names: \(no named routes\)"):
        Router().reverse("x")
