"""include(): routers, URL modules, dotted paths, prefixes, namespaces, all-or-nothing merging; root reverse()."""

import textwrap

import pytest

from covet.exceptions import ImproperlyConfigured
from covet.routing import Router, include, reverse, router_from_urlconf, set_root_router


async def view(request, **params):
    return params


def make_blog() -> Router:
    blog = Router()
    blog.add_route("/", view, name="blog-index")
    blog.add_route("/{id:int}", view, name="blog-post")
    return blog


@pytest.fixture
def url_modules(tmp_path, monkeypatch):
    """Write importable URL modules under a fresh package and return its name."""
    package = tmp_path / "site_urls_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "blog.py").write_text(
        textwrap.dedent(
            """
            from covet.routing import Router
            router = Router()

            @router.get("/", name="index")
            async def index(request):
                return "index"

            @router.get("/{slug}", name="detail")
            async def detail(request, slug):
                return slug
            """
        )
    )
    (package / "root.py").write_text(
        textwrap.dedent(
            """
            from covet.routing import Router, include
            home = Router()
            home.static("/", "home", name="home")
            urlpatterns = [home, include("site_urls_pkg.blog", prefix="/blog", namespace="blog")]
            """
        )
    )
    (package / "loop.py").write_text(
        "from covet.routing import include\nurlpatterns = [include('site_urls_pkg.loop')]\n"
    )
    (package / "empty.py").write_text("x = 1\n")
    # Its name starts with the name of the module it fails to import: a dependency problem, not a bad path.
    (tmp_path / "shopping_urls.py").write_text("import shopping\nurlpatterns = []\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "site_urls_pkg"
    set_root_router(None)


def test_include_router_with_prefix() -> None:
    root = Router()
    root.include(make_blog(), prefix="/blog")
    assert [route.path for route in root.routes] == ["/blog/", "/blog/{id:int}"]
    assert root.match("GET", "/blog/5").params == {"id": 5}
    assert root.reverse("blog-post", id=5) == "/blog/5"
    assert root.match("GET", "/blog").redirect_to == "/blog/"


def test_nested_include_objects_compose_prefixes_and_namespaces() -> None:
    inner = include(make_blog(), prefix="/posts", namespace="blog")
    root = Router()
    root.include([inner], prefix="/v1", namespace="api")
    assert root.reverse("api:blog:blog-post", id=1) == "/v1/posts/1"


def test_include_dotted_module(url_modules) -> None:
    root = router_from_urlconf(f"{url_modules}.root")
    assert root.match("GET", "/").route.kind == "static"  # type: ignore[union-attr]
    assert root.match("GET", "/blog/hello").params == {"slug": "hello"}
    assert root.reverse("blog:detail", slug="hello") == "/blog/hello"


def test_module_level_reverse_uses_the_root_router(url_modules) -> None:
    set_root_router(router_from_urlconf(f"{url_modules}.root"))
    assert reverse("blog:index") == "/blog/"
    assert reverse("home") == "/"


def test_include_errors_are_clear(url_modules) -> None:
    root = Router()
    root.add_route("/keep", view, name="keep")
    with pytest.raises(ImproperlyConfigured, match=r"no module named 'site_urls_pkg\.nothere'"):
        root.include(f"{url_modules}.nothere")
    with pytest.raises(ImproperlyConfigured, match="defines neither `urlpatterns`"):
        root.include(f"{url_modules}.empty")
    with pytest.raises(ModuleNotFoundError, match="No module named 'shopping'"):
        root.include("shopping_urls")
    with pytest.raises(ImproperlyConfigured, match="includes itself"):
        root.include(f"{url_modules}.loop")
    with pytest.raises(ImproperlyConfigured, match="Cannot include 42"):
        root.include(42)
    with pytest.raises(ImproperlyConfigured, match="must start with '/'"):
        root.include(make_blog(), prefix="blog")
    with pytest.raises(ImproperlyConfigured, match="namespace"):
        include(make_blog(), namespace="a:b")
    assert [route.path for route in root.routes] == ["/keep"]


def test_include_is_all_or_nothing() -> None:
    root = Router()
    root.add_route("/blog/{id:int}", view, name="existing")
    with pytest.raises(ImproperlyConfigured, match="conflicts"):
        root.include(make_blog(), prefix="/blog")
    assert [route.name for route in root.routes] == ["existing"]
    assert root.match("GET", "/blog/").status.name == "NOT_FOUND"
    with pytest.raises(ImproperlyConfigured, match="used twice"):
        root.include([make_blog(), make_blog()], prefix="/other")
    assert len(root.routes) == 1


def test_prefix_with_parameters_reaches_the_views() -> None:
    root = Router()
    root.include(make_blog(), prefix="/users/{user_id:int}/blog")
    assert root.match("GET", "/users/3/blog/9").params == {"user_id": 3, "id": 9}
    assert root.reverse("blog-post", user_id=3, id=9) == "/users/3/blog/9"
    clashing = Router()
    clashing.add_route("/{id:int}", view, name="x")
    with pytest.raises(ImproperlyConfigured, match="uses the parameter name 'id' twice"):
        root.include(clashing, prefix="/a/{id}")
    assert len(root.routes) == 2


def test_current_root_router_never_loads_settings() -> None:
    from covet.routing import current_root_router

    set_root_router(None)
    assert current_root_router() is None
    router = make_blog()
    set_root_router(router)
    try:
        assert current_root_router() is router
        assert reverse("blog-post", id=2) == "/2"
    finally:
        set_root_router(None)
