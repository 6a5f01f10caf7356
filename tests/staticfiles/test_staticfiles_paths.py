"""Requested static paths: safe names pass, anything that could leave the static directory is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from covet.staticfiles.paths import clean_static_path, safe_join


@pytest.mark.parametrize("path", ["css/site.css", "a", "img/icons/star.svg", "weird name (1).txt", "dir/..hidden-ish"])
def test_safe_names(path: str) -> None:
    assert clean_static_path(path) == path


@pytest.mark.parametrize(
    "path",
    [
        "",
        "../secret",
        "css/../../secret",
        "..",
        "./css/site.css",
        "css//site.css",
        "/etc/passwd",
        "//etc/passwd",
        "css\\..\\secret",
        "css/site.css\x00.png",
        "%2e%2e/secret",
        "%2E%2E/secret",
        "css/%2e%2e/%2e%2e/secret",
        "..%2fsecret",
        "%2fetc/passwd",
        "css%5c..%5csecret",
        "%00",
        "C:/Windows/win.ini",
        "c:\\boot.ini",
    ],
)
def test_unsafe_names_are_refused(path: str) -> None:
    assert clean_static_path(path) is None


def test_safe_join_stays_inside_the_root_even_through_symlinks(tmp_path: Path) -> None:
    root = tmp_path / "static"
    root.mkdir()
    (root / "ok.txt").write_text("ok")
    (tmp_path / "secret.txt").write_text("secret")
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")
    (root / "dirlink").symlink_to(tmp_path)
    assert safe_join(root, "ok.txt") == (root / "ok.txt").resolve()
    assert safe_join(root, "link.txt") is None
    assert safe_join(root, "dirlink/secret.txt") is None
    assert safe_join(root, "../secret.txt") is None
