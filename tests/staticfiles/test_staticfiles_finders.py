"""Finding static files: STATICFILES_DIRS first, then each app's static/; hidden files are never found."""

from __future__ import annotations

import pytest
from static_site import StaticSite

from covet.conf import settings
from covet.exceptions import ImproperlyConfigured
from covet.staticfiles import StaticFinder


def test_project_directory_wins_over_the_app(static_site: StaticSite) -> None:
    finder = StaticFinder.from_settings()
    assert finder.directories == [static_site.static, static_site.app_static]
    assert finder.find("js/app.js") == (static_site.static / "js" / "app.js").resolve()
    assert finder.find("shop/cart.js") == (static_site.app_static / "shop" / "cart.js").resolve()
    assert finder.find("nothing.js") is None


def test_listing_skips_hidden_files_and_shadowed_duplicates(static_site: StaticSite) -> None:
    names = [name for name, _path in StaticFinder.from_settings().list_files()]
    assert names == sorted(set(names), key=names.index)  # no duplicates
    assert "js/app.js" in names and "shop/cart.js" in names and "css/theme/dark.css" in names
    assert not [name for name in names if "/." in f"/{name}"]
    assert dict(StaticFinder.from_settings().list_files())["js/app.js"] == static_site.static / "js" / "app.js"


def test_hidden_and_unsafe_paths_are_not_found(static_site: StaticSite) -> None:
    finder = StaticFinder.from_settings()
    assert finder.find("secret/.env") is None
    assert finder.find(".gitkeep") is None
    assert finder.find("../outside.txt") is None


def test_default_is_the_project_static_directory(static_site: StaticSite) -> None:
    with settings.override(STATICFILES_DIRS=[]):
        assert StaticFinder.from_settings().directories[0] == static_site.root / "static"
    with settings.override(STATICFILES_DIRS=["static"]):  # relative to BASE_DIR
        assert StaticFinder.from_settings().directories[0] == static_site.static


def test_static_root_among_the_sources_is_refused(static_site: StaticSite) -> None:
    with settings.override(STATIC_ROOT=static_site.static), pytest.raises(ImproperlyConfigured, match="into itself"):
        StaticFinder.from_settings()
    with settings.override(STATICFILES_DIRS="static"), pytest.raises(ImproperlyConfigured, match="a list"):
        StaticFinder.from_settings()
