"""render() and TemplateResponse through a real CovetApp: lookup order, autoescaping, async rendering, caching."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from template_site import Site

from covet.conf import settings
from covet.core import CovetApp
from covet.http import Request, Response
from covet.routing import Router
from covet.templates import TemplateDoesNotExist, TemplateResponse, get_environment, render, render_to_string
from covet.testing import TestClient


def serve(router: Router, **options: Any) -> TestClient:
    return TestClient(CovetApp(router, **options))


def test_render_from_an_async_view_without_await(site: Site) -> None:
    site.write("blog/index.html", "<h1>{{ title }}</h1>{% for post in posts %}<p>{{ post }}</p>{% endfor %}")
    router = Router()

    @router.get("/")
    async def index(request: Request) -> Any:
        return render(request, "blog/index.html", {"title": "Posts", "posts": ["a", "b"]})

    response = serve(router).get("/")
    assert response.status_code == 200
    assert response.text == "<h1>Posts</h1><p>a</p><p>b</p>"
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-length"] == str(len(response.content))


def test_sync_view_status_and_headers(site: Site) -> None:
    site.write("missing.html", "Not here: {{ what }}")
    router = Router()

    @router.get("/gone")
    def gone(request: Request) -> Any:
        return render(request, "missing.html", {"what": "x"}, status_code=410, headers={"x-reason": "deleted"})

    response = serve(router).get("/gone")
    assert (response.status_code, response.text, response.headers["x-reason"]) == (410, "Not here: x", "deleted")


def test_autoescape_for_html_and_not_for_text(site: Site) -> None:
    site.write("page.html", "{{ value }}|{{ safe_value|safe }}")
    site.write("mail.txt", "{{ value }}")
    router = Router()

    @router.get("/html")
    async def html(request: Request) -> Any:
        return render(request, "page.html", {"value": "<b>&'\"", "safe_value": "<i>ok</i>"})

    @router.get("/text")
    async def text(request: Request) -> Any:
        return render(request, "mail.txt", {"value": "<b>"}, headers={"content-type": "text/plain"})

    client = serve(router)
    assert client.get("/html").text == "&lt;b&gt;&amp;&#39;&#34;|<i>ok</i>"
    assert client.get("/text").text == "<b>"


def test_project_templates_come_before_app_templates(site: Site) -> None:
    site.write("shared.html", "from the app", base=site.app_templates)
    site.write("shop/item.html", "app item {% include 'shared.html' %}", base=site.app_templates)
    site.write("shared.html", "from the project")
    router = Router()

    @router.get("/item")
    async def item(request: Request) -> Any:
        return render(request, "shop/item.html")

    assert serve(router).get("/item").text == "app item from the project"


def test_first_existing_of_several_names_and_inheritance(site: Site) -> None:
    site.write("base.html", "<title>{% block title %}Site{% endblock %}</title>{% block body %}{% endblock %}")
    site.write("generic.html", "{% extends 'base.html' %}{% block body %}generic {{ n }}{% endblock %}")
    router = Router()

    @router.get("/")
    async def index(request: Request) -> Any:
        return render(request, ["specific.html", "generic.html"], {"n": 3})

    assert serve(router).get("/").text == "<title>Site</title>generic 3"


def test_templates_may_loop_over_async_iterables_and_await_coroutines(site: Site) -> None:
    site.write("stream.html", "{% for n in numbers %}{{ n }},{% endfor %} {{ fetch() }}")

    async def numbers() -> AsyncIterator[int]:
        for n in range(3):
            yield n

    async def fetch() -> str:
        return "fetched"

    router = Router()

    @router.get("/")
    async def index(request: Request) -> Any:
        return render(request, "stream.html", {"numbers": numbers(), "fetch": fetch})

    assert serve(router).get("/").text == "0,1,2, fetched"


def test_middleware_sees_the_rendered_response_with_its_template_and_context(site: Site) -> None:
    site.write("hello.html", "Hello {{ name }}")
    seen: list[TemplateResponse] = []

    class Inspect:
        def __init__(self, get_response: Any) -> None:
            self.get_response = get_response

        async def __call__(self, request: Request) -> Response:
            response = await self.get_response(request)
            assert isinstance(response, TemplateResponse) and response.is_rendered
            seen.append(response)
            response.headers["x-body-length"] = str(len(response.body))
            return response

    router = Router()

    @router.get("/")
    async def index(request: Request) -> Any:
        return render(request, "hello.html", {"name": "Ada"})

    response = serve(router, middleware=[Inspect]).get("/")
    assert response.text == "Hello Ada" and response.headers["x-body-length"] == "9"
    [template_response] = seen
    assert template_response.template_name == "hello.html"
    assert template_response.context["name"] == "Ada"
    assert template_response.template is not None and template_response.template.name == "hello.html"


async def test_await_render_and_render_to_string_outside_views(site: Site) -> None:
    site.write("note.html", "{{ a }}+{{ b }}")
    response = await render(None, "note.html", {"a": 1, "b": "<2>"})
    assert response.is_rendered and response.body == b"1+&lt;2&gt;"
    assert await render_to_string("note.html", {"a": "x", "b": "y"}) == "x+y"


async def test_missing_template_lists_where_it_looked(site: Site) -> None:
    with pytest.raises(TemplateDoesNotExist, match=r"Template 'nope\.html' not found\. Searched, in order:") as caught:
        await render_to_string("nope.html")
    message = str(caught.value)
    assert str(site.templates) in message and str(site.app_templates) in message
    assert "TEMPLATES[0]['DIRS']" in message


async def test_bytecode_cache_is_written_to_the_configured_directory(site: Site) -> None:
    site.write("cached.html", "{{ 1 + 1 }}")
    assert await render_to_string("cached.html") == "2"
    cache_files = list((site.root / "jinja-cache").iterdir())
    assert cache_files and all(path.name.startswith("__jinja2_") for path in cache_files)


async def test_environment_follows_settings_changes(site: Site) -> None:
    other = site.root / "other"
    other.mkdir()
    (other / "which.html").write_text("other dir", encoding="utf-8")
    site.write("which.html", "first dir")
    environment = get_environment()
    assert environment.is_async and environment is get_environment()
    assert await render_to_string("which.html") == "first dir"
    templates = [{**settings.TEMPLATES[0], "DIRS": [other]}]
    with settings.override(TEMPLATES=templates):
        assert get_environment() is not environment
        assert await render_to_string("which.html") == "other dir"


async def test_bad_template_settings_say_what_to_fix(site: Site) -> None:
    from covet.exceptions import ImproperlyConfigured

    with settings.override(TEMPLATES=[{"DIRS": "templates"}]), pytest.raises(ImproperlyConfigured, match="list of"):
        get_environment()
    with settings.override(TEMPLATES=[{"DIRECTORIES": []}]), pytest.raises(ImproperlyConfigured, match="unknown keys"):
        get_environment()
    bad_option = [{"DIRS": [], "OPTIONS": {"no_such_option": 1}}]
    with settings.override(TEMPLATES=bad_option), pytest.raises(ImproperlyConfigured, match="no_such_option"):
        get_environment()
    bad_processor = [{"DIRS": [], "OPTIONS": {"context_processors": ["covet.nothing.here"]}}]
    with settings.override(TEMPLATES=bad_processor), pytest.raises(ImproperlyConfigured, match=r"covet\.nothing\.here"):
        get_environment()
    site.write("ok.html", "still fine")
    assert await render_to_string("ok.html") == "still fine"  # nothing stuck from the failures
