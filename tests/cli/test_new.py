"""`covet new`: rendering the project template, name validation, and never overwriting anything."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from covet.cli import cli

EXPECTED_FILES = {
    ".gitignore",
    "README.md",
    "conftest.py",
    "pyproject.toml",
    "mysite/__init__.py",
    "mysite/asgi.py",
    "mysite/settings.py",
    "mysite/urls.py",
    "mysite/views.py",
    "blog/__init__.py",
    "blog/apps.py",
    "blog/views.py",
    "blog/models.py",
    "blog/admin.py",
    "blog/migrations/__init__.py",
    "blog/migrations/0001_072bb4_initial.py",
    "blog/templates/blog/index.html",
    "blog/tests/__init__.py",
    "blog/tests/test_views.py",
    "blog/tests/test_models.py",
    "tests/__init__.py",
    "tests/test_site.py",
    "tests/test_accounts.py",
    "templates/welcome.html",
    "static/.gitkeep",
}


def files_under(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def test_new_renders_the_project(runner, isolated):
    result = runner.invoke(cli, ["new", "mysite"])
    assert result.exit_code == 0, result.output
    root = isolated / "mysite"
    assert files_under(root) == EXPECTED_FILES
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    assert pyproject["tool"]["covet"]["settings"] == "mysite.settings"
    assert pyproject["project"]["dependencies"] == ["covet>=0.1.0"]
    settings = (root / "mysite/settings.py").read_text()
    assert re.search(r'os.environ.get\("SECRET_KEY"\) or \("covet-insecure-[\w-]{40,}" if DEBUG else ""\)', settings)
    assert 'ROOT_URLCONF = "mysite.urls"' in settings
    assert 'include("blog.views", prefix="/blog")' in (root / "mysite/urls.py").read_text()
    assert "from covet.templates import render" in (root / "blog/views.py").read_text()
    # The project's own jinja2 templates are copied, not rendered at generation time.
    assert "{% for post in posts %}" in (root / "blog/templates/blog/index.html").read_text()
    assert "{{ project_name }}" in (root / "templates/welcome.html").read_text()
    assert "Next steps" in result.output and "cd mysite" in result.output and "covet runserver" in result.output
    assert "covet migrate" in result.output


def test_generated_python_files_compile(runner, isolated):
    assert runner.invoke(cli, ["new", "mysite"]).exit_code == 0
    for path in (isolated / "mysite").rglob("*.py"):
        compile(path.read_text(), str(path), "exec")


def test_each_project_gets_its_own_secret_key(runner, isolated):
    for name in ("first", "second"):
        assert runner.invoke(cli, ["new", name]).exit_code == 0
    keys = {
        re.search(r'"(covet-insecure-[^"]+)"', (isolated / name / name / "settings.py").read_text()).group(1)
        for name in ("first", "second")
    }
    assert len(keys) == 2


def test_directory_option(runner, isolated):
    result = runner.invoke(cli, ["new", "mysite", "--directory", "somewhere/else"])
    assert result.exit_code == 0, result.output
    assert (isolated / "somewhere/else/mysite/settings.py").is_file()
    assert not (isolated / "mysite").exists()


def test_an_existing_empty_directory_is_used(runner, isolated):
    (isolated / "mysite").mkdir()
    assert runner.invoke(cli, ["new", "mysite"]).exit_code == 0
    assert (isolated / "mysite/pyproject.toml").is_file()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("my-site", "'my-site' is not a valid project name"),
        ("1site", "not a valid project name"),
        ("class", "not a valid project name"),
        ("json", "would clash with the existing Python module 'json'"),
        ("click", "would clash with the existing Python module 'click'"),
        ("blog", "'blog' is reserved"),
    ],
)
def test_bad_names_are_rejected_and_nothing_is_written(runner, isolated, name, message):
    result = runner.invoke(cli, ["new", name])
    assert result.exit_code == 1
    assert message in result.output
    assert list(isolated.iterdir()) == []


def test_invalid_name_suggests_a_valid_one(runner, isolated):
    assert "e.g. 'my_site'" in runner.invoke(cli, ["new", "my-site"]).output


def test_an_existing_directory_is_never_overwritten(runner, isolated):
    target = isolated / "mysite"
    target.mkdir()
    (target / "precious.txt").write_text("keep me")
    result = runner.invoke(cli, ["new", "mysite"])
    assert result.exit_code == 1
    assert "refusing to overwrite" in result.output
    assert files_under(target) == {"precious.txt"}
    assert (target / "precious.txt").read_text() == "keep me"
    assert sorted(path.name for path in isolated.iterdir()) == ["mysite"]


def test_a_failed_render_leaves_nothing_behind(runner, isolated, monkeypatch, tmp_path_factory):
    template = tmp_path_factory.mktemp("template")
    (template / "ok.txt").write_text("fine")
    (template / "zz_broken.py.jinja").write_text("{{ undefined_variable }}")
    monkeypatch.setattr("covet.cli.commands.new.project_template_dir", lambda: template)
    result = runner.invoke(cli, ["new", "mysite"])
    assert result.exit_code != 0
    assert "undefined_variable" in str(result.exception)
    assert list(isolated.iterdir()) == []


def test_the_template_is_found_installed_or_in_a_checkout(tmp_path):
    from covet.cli.errors import CommandError
    from covet.cli.scaffold import project_template_dir

    installed = tmp_path / "site-packages" / "covet"
    (installed / "project_template").mkdir(parents=True)
    assert project_template_dir(installed) == installed / "project_template"
    checkout = tmp_path / "checkout"
    (checkout / "covet").mkdir(parents=True)
    (checkout / "project_template").mkdir()
    assert project_template_dir(checkout / "covet") == checkout / "project_template"
    with pytest.raises(CommandError, match="project template is missing"):
        project_template_dir(tmp_path / "empty" / "covet")


def test_python_dash_m_new_into_an_existing_empty_directory_of_the_cwd(isolated, covet_subprocess):
    # With `python -m covet`, the current directory is on sys.path: the empty ./mysite looks like a
    # namespace package called mysite, which must not count as a clash.
    (isolated / "mysite").mkdir()
    result = covet_subprocess.run("new", "mysite", cwd=isolated)
    assert result.returncode == 0, result.stderr
    assert (isolated / "mysite" / "mysite" / "settings.py").is_file()
    again = covet_subprocess.run("new", "mysite", cwd=isolated)
    assert again.returncode == 1
    assert "already exists and is not empty" in again.stderr


def test_a_directory_with_brackets_is_printed_verbatim(runner, isolated):
    # The path goes into rich markup: "[/x]" in it once raised a MarkupError after the project was written.
    result = runner.invoke(cli, ["new", "mysite", "--directory", "out[/x]/mysite"])
    assert result.exit_code == 0, result.output
    assert "out[/x]" in result.output.replace("\n", "")
    assert (isolated / "out[/x]" / "mysite" / "mysite" / "settings.py").is_file()
