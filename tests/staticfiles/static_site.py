"""A throwaway project with static files in the project and in an installed app, with settings configured for it
(fresh settings and app registry per test, restored afterwards)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from covet.conf import settings
from covet.conf.apps import apps
from covet.staticfiles.manifest import reset_manifest_cache
from covet.testing.isolation import isolated_globals

SITE_CSS = """\
@import "base.css";
@import url('theme/dark.css');
body { background: url("../img/logo.png") no-repeat; }
.icon { background-image: url(../img/icons/star.svg#part); }
@font-face { src: url('../fonts/font.woff2?v=1#iefix') format('woff2'); }
.abs { background: url(/static/img/logo.png); }
.ext { background: url(https://cdn.example.com/x.png); }
.data { background: url(data:image/png;base64,iVBORw0KGgo=); }
.missing { background: url(../img/nothere.png); }
"""
APP_JS = "// the app's script\n" + "console.log('covet static files are collected and compressed');\n" * 40


@dataclass
class StaticSite:
    root: Path
    static: Path
    app_static: Path
    static_root: Path


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def build_project(root: Path) -> StaticSite:
    static = root / "static"
    app_static = root / "shopapp" / "static"
    write(root / "shopapp" / "__init__.py", '"""An app with static files."""\n')
    write(static / "css" / "site.css", SITE_CSS)
    write(static / "css" / "base.css", "html { color: black; }\n" * 20)
    write(static / "css" / "theme" / "dark.css", ".dark { background: url(../../img/logo.png); }\n")
    write(static / "img" / "logo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    write(static / "img" / "icons" / "star.svg", "<svg xmlns='http://www.w3.org/2000/svg'><path d='M0 0'/></svg>\n")
    write(static / "fonts" / "font.woff2", b"wOF2" + b"\x00" * 64)
    write(static / "js" / "app.js", APP_JS)
    write(static / ".gitkeep", "")
    write(static / "secret" / ".env", "PASSWORD=hunter2\n")
    write(app_static / "shop" / "cart.js", "// cart\n")
    write(app_static / "js" / "app.js", "// the app's own app.js, shadowed by the project's\n")
    write(root / "outside.txt", "not a static file\n")
    return StaticSite(root, static, app_static, root / "collected")


def project_settings(site: StaticSite, **overrides: Any) -> dict[str, Any]:
    return {
        "DEBUG": True,
        "BASE_DIR": site.root,
        "INSTALLED_APPS": ["shopapp"],
        "STATIC_URL": "/static/",
        "STATIC_ROOT": site.static_root,
        "STATICFILES_DIRS": [site.static],
        "SECRET_KEY": "static-tests-" + "x" * 40,
        "ALLOWED_HOSTS": ["testserver", "127.0.0.1"],
        **overrides,
    }


@pytest.fixture
def static_site(tmp_path: Path) -> Iterator[StaticSite]:
    site = build_project(tmp_path)
    with isolated_globals():
        sys.path.insert(0, str(tmp_path))
        settings.configure(**project_settings(site))
        apps.populate(["shopapp"])
        reset_manifest_cache()
        try:
            yield site
        finally:
            reset_manifest_cache()
