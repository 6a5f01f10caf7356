"""Template parsing and the registration errors for malformed templates."""

import pytest

from covet.exceptions import ImproperlyConfigured
from covet.routing import Router
from covet.routing.template import Parameter, parse_template


def test_parse_mixed_template() -> None:
    template = parse_template("/users/{id:int}/files/{rest:path}")
    assert template.segments[0] == "users"
    assert isinstance(template.segments[1], Parameter) and template.segments[1].converter.name == "int"
    assert template.param_names == ("id", "rest")
    assert not template.is_static
    assert parse_template("/about/").is_static
    assert parse_template("/{slug}").segments[0].converter.name == "str"


def test_prefix_joins_without_double_slashes() -> None:
    assert parse_template("/").with_prefix("/blog").source == "/blog/"
    assert parse_template("/x").with_prefix("/blog/").source == "/blog/x"
    assert parse_template("/x").with_prefix("/").source == "/x"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("users", "must be a string starting with '/'"),
        ("/users/{id", "segment '{id' is malformed"),
        ("/users/id}", "segment 'id}' is malformed"),
        ("/files/{name}.txt", "must fill a whole segment"),
        ("/{a}/{a}", "uses the parameter name 'a' twice"),
        ("/{1abc}", "must be a Python identifier"),
        ("/{}", "must be a Python identifier"),
        ("/{id:integer}", "Unknown path converter 'integer'"),
        ("/{rest:path}/edit", "must be the last segment"),
        ("/search?q=1", "query string"),
    ],
)
def test_malformed_templates_raise_at_registration(path: str, message: str) -> None:
    router = Router()

    @router.get("/ok", name="ok")
    async def ok(request):
        return "ok"

    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(").replace("?", r"\?")):
        router.add_route(path, ok, name="broken")
    # nothing was lost, nothing half-registered
    assert [route.path for route in router.routes] == ["/ok"]
    assert router.match("GET", "/ok").found
