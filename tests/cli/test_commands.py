"""`covet check`, `routes`, `shell`, `version` and `startapp` on generated projects, and outside any project."""

from __future__ import annotations

import functools
import re

import click
import pytest

import covet
from covet.cli import call_command, cli
from covet.cli.main import _commands_of


def test_check_passes_on_a_new_project(runner, project):
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 0, result.output
    assert "migrations.W001" in result.output  # the only thing to do: `covet migrate`
    assert "System check identified 1 warning(s)" in result.output
    call_command("migrate")
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 0, result.output
    assert "no issues" in result.output


def test_check_reports_every_problem(runner, project, monkeypatch):
    settings_file = project / project.name / "settings.py"
    settings_file.write_text(
        settings_file.read_text()
        + "\nINSTALLED_APPS += ['ghost_app']\nMIDDLEWARE = ['nowhere.Middleware']\nALLOWED_HOSTS = []\n"
    )
    monkeypatch.setenv("DEBUG", "false")
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 1
    for check_id in ("security.E001", "security.E003", "apps.E001", "middleware.E001"):
        assert check_id in result.output
    assert "ghost_app" in result.output and "nowhere.Middleware" in result.output
    assert "System check found 4 error(s)" in result.output
    assert "HINT:" in result.output


def test_routes_lists_every_route(runner, project):
    rows = call_command("routes")
    listed = [(row.methods, row.path, row.name) for row in rows]
    # The site's own routes come first, then covet.auth's account pages and the admin (see urls.py).
    assert ("POST", "/accounts/token", "auth:token") in listed and ("GET", "/admin/", "admin:index") in listed
    assert listed[:6] == [
        ("GET", "/", "welcome"),
        ("GET", "/api/health", "health"),
        ("GET", "/api/me", "me"),
        ("GET", "/blog/", "blog_index"),
        ("GET", "/blog/api/posts", "blog_posts"),
        ("GET", "/blog/api/posts/{id:int}", "blog_post"),
    ]
    assert rows[3].endpoint == "blog.views.index"
    output = runner.invoke(cli, ["routes"]).output
    assert "/blog/api/posts/{id:int}" in output and "blog.views.post_detail" in output
    admin_endpoints = [row.endpoint for row in rows if row.path.startswith("/admin/")]
    assert admin_endpoints and not any("partial" in endpoint for endpoint in admin_endpoints)
    assert all(endpoint.startswith("covet.admin.") for endpoint in admin_endpoints), admin_endpoints
    assert "functools.partial" not in output


def test_route_rows_unwrap_nested_partials():
    from covet.cli.commands.routes import route_rows
    from covet.routing import Router

    async def report(request, site, kind):
        return None

    router = Router()
    router.add_route("/report", functools.partial(functools.partial(report, site="main"), kind="daily"), name="report")
    (row,) = route_rows(router)
    assert row.endpoint.endswith("test_route_rows_unwrap_nested_partials.<locals>.report"), row.endpoint


def test_shell_runs_a_snippet_with_top_level_await(project, capsys):
    call_command(
        "shell", "-c", "value = await asyncio.sleep(0, result=21)\nprint(value * 2, apps.get_app_config('blog').label)"
    )
    assert capsys.readouterr().out.strip() == "42 blog"


def test_shell_snippet_sees_the_settings(project, capsys):
    call_command("shell", "-c", "print(settings.ROOT_URLCONF)")
    assert capsys.readouterr().out.strip() == f"{project.name}.urls"


def test_shell_snippet_error_prints_the_traceback_and_exits_1(runner, project):
    result = runner.invoke(cli, ["shell", "-c", "x = 1\nawait asyncio.sleep(0)\n1 / 0"])
    assert result.exit_code == 1
    assert "Traceback" in result.stderr and "ZeroDivisionError" in result.stderr
    with pytest.raises(SystemExit) as info:
        call_command("shell", "-c", "raise ValueError('boom')")
    assert info.value.code == 1


def test_interactive_async_shell_reads_stdin(project, covet_subprocess):
    lines = [
        "x = await asyncio.sleep(0, result=5)",
        "print(x * 3)",
        "first = await asyncio.sleep(0, result=asyncio.get_running_loop())",
        "second = await asyncio.sleep(0, result=asyncio.get_running_loop())",
        "print(first is second)",
        "1 / 0",
        "print(settings.DEBUG)",
    ]
    result = covet_subprocess.run("shell", "--interface", "python", cwd=project, input="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    printed = [re.sub(r"^(>>> |\.\.\. )+", "", line) for line in result.stdout.splitlines()]
    # One event loop for the whole session; an error is shown and the shell goes on.
    assert [line for line in printed if line] == ["15", "True", "True"]
    assert "ZeroDivisionError" in result.stderr
    assert "Top-level await works" in result.stderr


def test_version(runner, isolated):
    assert call_command("version") == covet.__version__
    assert f"Covet {covet.__version__}" in runner.invoke(cli, ["version"]).output
    assert runner.invoke(cli, ["--version"]).output.strip() == f"Covet {covet.__version__}"


def test_python_dash_m_covet(isolated, covet_subprocess):
    result = covet_subprocess.run("version", cwd=isolated)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Covet {covet.__version__}")


@pytest.mark.parametrize(
    "args", [["check"], ["routes"], ["shell", "-c", "pass"], ["runserver", "--noreload"], ["startapp", "shop"]]
)
def test_project_commands_outside_a_project_fail_with_one_line(runner, isolated, args):
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert "No Covet project found" in lines[0] and "covet new NAME" in lines[0]


def test_broken_settings_are_a_one_line_error(runner, project):
    (project / project.name / "settings.py").write_text("INSTALLED_APPS = ['missing_app_q']\n")
    result = runner.invoke(cli, ["routes"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: INSTALLED_APPS contains 'missing_app_q'")


def test_startapp_creates_an_app(runner, project):
    result = runner.invoke(cli, ["startapp", "shop_front"])
    assert result.exit_code == 0, result.output
    app = project / "shop_front"
    created = {path.relative_to(app).as_posix() for path in app.rglob("*") if path.is_file()}
    assert created == {
        "__init__.py",
        "apps.py",
        "views.py",
        "templates/shop_front/.gitkeep",
        "tests/__init__.py",
        "tests/test_views.py",
    }
    assert "class ShopFrontConfig(AppConfig):" in (app / "apps.py").read_text()
    assert 'name = "shop_front"' in (app / "apps.py").read_text()
    assert '"shop_front"' in result.output and "INSTALLED_APPS" in result.output


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("blog", "already exists and is not empty"),
        ("bad-name", "not a valid app name"),
        ("os", "clash with the existing Python module 'os'"),
        ("covet", "reserved"),
    ],
)
def test_startapp_rejects_bad_names(runner, project, name, message):
    before = sorted(path.name for path in project.iterdir())
    result = runner.invoke(cli, ["startapp", name])
    assert result.exit_code == 1
    assert message in result.output
    assert sorted(path.name for path in project.iterdir()) == before


def test_startapp_refuses_the_project_package_name(runner, project):
    result = runner.invoke(cli, ["startapp", project.name])
    assert result.exit_code == 1


def test_command_modules_may_expose_a_list_of_commands():
    module = type(covet)("fake_commands")
    first, second = click.Command("first"), click.Command("second")
    module.commands = [first]
    module.command = second
    assert _commands_of(module) == [second, first]
    module.commands = ["not a command"]
    with pytest.raises(TypeError, match="is not a click command"):
        _commands_of(module)


def test_every_builtin_command_is_registered():
    assert {"new", "startapp", "runserver", "routes", "check", "shell", "version"} <= set(cli.commands)


def test_route_rows_describe_static_and_websocket_routes():
    from covet.cli.commands.routes import route_rows
    from covet.routing import Router

    router = Router()
    router.static("/robots.txt", "User-agent: *\n", name="robots")

    @router.websocket("/ws/chat", name="chat")
    async def chat(websocket):
        return None

    rows = route_rows(router)
    assert [(row.methods, row.path, row.name) for row in rows] == [
        ("GET", "/robots.txt", "robots"),
        ("WEBSOCKET", "/ws/chat", "chat"),
    ]
    assert rows[0].endpoint == "static body (14 bytes, text/plain; charset=utf-8)"
    assert rows[1].endpoint.endswith("test_route_rows_describe_static_and_websocket_routes.<locals>.chat")
