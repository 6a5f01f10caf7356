"""collectstatic: hashed copies, the manifest, CSS references rewritten, precompressed variants, the CLI."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from static_site import StaticSite, build_project

from covet.conf import settings
from covet.staticfiles import StaticFinder, collect_static, hashed_name, static_url
from covet.staticfiles.compression import brotli

REPO_ROOT = Path(__file__).resolve().parents[2]


def collect(site: StaticSite, **options: object) -> dict[str, str]:
    result = collect_static(site.static_root, StaticFinder.from_settings(), **options)  # type: ignore[arg-type]
    return result.paths


def test_hashed_name() -> None:
    digest = hashlib.sha256(b"x").hexdigest()[:12]
    assert hashed_name("css/site.css", b"x") == f"css/site.{digest}.css"
    assert hashed_name("jquery.min.js", b"x") == f"jquery.min.{digest}.js"
    assert hashed_name("LICENSE", b"x") == f"LICENSE.{digest}"
    assert hashed_name(".htaccess", b"x") == f".htaccess.{digest}"


def test_every_file_is_copied_under_both_names_with_a_manifest(static_site: StaticSite) -> None:
    paths = collect(static_site)
    root = static_site.static_root
    manifest = json.loads((root / "staticfiles.json").read_text())
    assert manifest == {"version": 1, "paths": paths}
    assert set(paths) == {"css/site.css", "css/base.css", "css/theme/dark.css", "img/logo.png", "img/icons/star.svg",
                          "fonts/font.woff2", "js/app.js", "shop/cart.js"}  # fmt: skip
    for name, hashed in paths.items():
        assert re.fullmatch(r".+\.[0-9a-f]{12}(\.\w+)?", hashed), hashed
        content = (root / hashed).read_bytes()
        assert (root / name).read_bytes() == content
        assert hashed == hashed_name(name, content)  # the hash is of the final (rewritten) content
    assert (root / "js/app.js").read_text().startswith("// the app's script")  # the project's copy won
    assert not (root / ".gitkeep").exists() and not (root / "secret").exists()


def test_css_references_point_at_hashed_names(static_site: StaticSite) -> None:
    paths = collect(static_site)
    css = (static_site.static_root / paths["css/site.css"]).read_text()
    logo = paths["img/logo.png"].rpartition("/")[2]
    assert f'@import "{paths["css/base.css"].rpartition("/")[2]}";' in css
    assert f"@import url('{paths['css/theme/dark.css'].removeprefix('css/')}');" in css
    assert f'url("../img/{logo}")' in css
    assert f"url(../img/icons/{paths['img/icons/star.svg'].rpartition('/')[2]}#part)" in css
    assert f"url('../fonts/{paths['fonts/font.woff2'].rpartition('/')[2]}?v=1#iefix')" in css
    assert f"url(/static/{paths['img/logo.png']})" in css
    assert "url(https://cdn.example.com/x.png)" in css and "url(data:image/png;base64,iVBORw0KGgo=)" in css
    assert "url(../img/nothere.png)" in css  # unknown target: left as it was
    dark = (static_site.static_root / paths["css/theme/dark.css"]).read_text()
    assert f"url(../../img/{logo})" in dark


def test_missing_references_are_reported(static_site: StaticSite) -> None:
    result = collect_static(static_site.static_root, StaticFinder.from_settings())
    assert result.missing_references == [("css/site.css", "img/nothere.png")]


def test_compressed_variants_where_they_help(static_site: StaticSite) -> None:
    paths = collect(static_site)
    root = static_site.static_root
    for name in ("js/app.js", paths["js/app.js"], "css/base.css"):
        original = (root / name).read_bytes()
        packed = root / f"{name}.gz"
        assert packed.exists() and len(packed.read_bytes()) < len(original)
        assert gzip.decompress(packed.read_bytes()) == original
        if brotli is not None:
            assert brotli.decompress((root / f"{name}.br").read_bytes()) == original
    assert not (root / "img/logo.png.gz").exists()  # binary image types are not compressed
    assert not (root / "shop/cart.js.gz").exists()  # too small to be worth it


def test_no_compress_and_clear(static_site: StaticSite) -> None:
    stale = static_site.static_root / "old" / "stale.js"
    stale.parent.mkdir(parents=True)
    stale.write_text("old")
    collect(static_site, compress=False)
    assert stale.exists() and not list(static_site.static_root.rglob("*.gz"))
    collect(static_site, clear=True)
    assert not stale.exists() and list(static_site.static_root.rglob("*.gz"))


def test_rerun_after_a_change_gives_a_new_hash_and_static_url_follows(static_site: StaticSite) -> None:
    first = collect(static_site)["js/app.js"]
    (static_site.static / "js" / "app.js").write_text("// changed\n")
    second = collect(static_site)["js/app.js"]
    assert first != second and (static_site.static_root / first).exists()
    with settings.override(DEBUG=False):
        assert static_url("js/app.js") == f"/static/{second}"
        assert static_url("not/collected.js") == "/static/not/collected.js"


def test_clear_refuses_when_a_source_is_inside_static_root(static_site: StaticSite) -> None:
    from covet.exceptions import ImproperlyConfigured

    finder = StaticFinder([static_site.root / "collected" / "src"])
    (static_site.root / "collected" / "src").mkdir(parents=True)
    with pytest.raises(ImproperlyConfigured, match="Refusing to clear"):
        collect_static(static_site.static_root, finder, clear=True)


def write_project_files(root: Path, static_root: str | None = "collected") -> None:
    (root / "pyproject.toml").write_text('[project]\nname = "site"\n\n[tool.covet]\nsettings = "site_settings"\n')
    lines = ["from pathlib import Path", "BASE_DIR = Path(__file__).resolve().parent", "DEBUG = False",
             "SECRET_KEY = 'cli-" + "x" * 40 + "'", "INSTALLED_APPS = ['shopapp']",
             "STATICFILES_DIRS = [BASE_DIR / 'static']"]  # fmt: skip
    if static_root:
        lines.append(f"STATIC_ROOT = BASE_DIR / {static_root!r}")
    (root / "site_settings.py").write_text("\n".join(lines) + "\n")


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "COLUMNS": "120"}
    env.pop("COVET_SETTINGS_MODULE", None)
    return subprocess.run([sys.executable, "-m", "covet", "collectstatic", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=60)  # fmt: skip


def test_cli_collects_and_reports(tmp_path: Path) -> None:
    build_project(tmp_path)
    write_project_files(tmp_path)
    done = run_cli(tmp_path, "--clear")
    assert done.returncode == 0, done.stderr
    assert "8 static files collected into" in done.stdout and "staticfiles.json" in done.stdout
    assert "css/site.css refers to img/nothere.png, which is not a static file" in done.stderr
    manifest = json.loads((tmp_path / "collected" / "staticfiles.json").read_text())
    assert (tmp_path / "collected" / manifest["paths"]["shop/cart.js"]).exists()


def test_cli_without_static_root_says_what_to_set(tmp_path: Path) -> None:
    build_project(tmp_path)
    write_project_files(tmp_path, static_root=None)
    done = run_cli(tmp_path)
    assert done.returncode == 1
    assert "STATIC_ROOT is not set" in done.stderr and "STATIC_ROOT = BASE_DIR / 'staticfiles'" in done.stderr
    assert not (tmp_path / "collected").exists()


def test_cli_outside_a_project(tmp_path: Path) -> None:
    done = run_cli(tmp_path)
    assert done.returncode == 2 and "No Covet project found" in done.stderr
