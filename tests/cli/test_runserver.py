"""`covet runserver`: address parsing, the app it serves, and its configuration from settings."""

from __future__ import annotations

import click
import pytest

from covet.cli import cli
from covet.cli.commands.runserver import parse_address, project_app_import_string, server_config_from_settings
from covet.cli.project import load_project


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("8001", ("127.0.0.1", 8001)),
        ("0.0.0.0", ("0.0.0.0", 8000)),
        ("0.0.0.0:9000", ("0.0.0.0", 9000)),
        (":9000", ("127.0.0.1", 9000)),
        ("localhost:8080", ("localhost", 8080)),
        ("[::1]:8000", ("::1", 8000)),
        ("[::]", ("::", 8000)),
    ],
)
def test_parse_address(value, expected):
    assert parse_address(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("host:port", "'port' is not a port number"),
        ("127.0.0.1:70000", "'70000' is not a port number"),
        ("::1:8000", "IPv6 addresses in brackets"),
        ("[::1", "not an address like [::1]:8000"),
        ("0", "'0' is not a port number"),
    ],
)
def test_bad_addresses_are_rejected(value, message):
    with pytest.raises(click.BadParameter, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_address(value)


def test_bad_address_is_a_usage_error_before_anything_loads(runner, isolated):
    result = runner.invoke(cli, ["runserver", "nonsense:port"])
    assert result.exit_code == 2
    assert "is not a port number" in result.output


def test_project_app_import_string(project):
    load_project()
    assert project_app_import_string(f"{project.name}.settings") == f"{project.name}.asgi:application"


def test_missing_asgi_module_says_how_to_fix_it(runner, project):
    (project / project.name / "asgi.py").unlink()
    result = runner.invoke(cli, ["runserver", "--noreload"])
    assert result.exit_code == 1
    assert "has no" in result.output and "asgi.py" in result.output and "--app MODULE:ATTR" in result.output


def test_configuration_errors_stop_the_server_before_it_starts(runner, project, monkeypatch):
    monkeypatch.setenv("DEBUG", "false")
    monkeypatch.setenv("ALLOWED_HOSTS", "example.com")
    result = runner.invoke(cli, ["runserver", "--noreload"])
    assert result.exit_code == 1
    assert "security.E001" in result.output
    assert "run `covet check`" in result.output


def test_server_limits_come_from_settings_unless_set_in_the_environment(project, monkeypatch):
    settings_file = project / project.name / "settings.py"
    settings_file.write_text(settings_file.read_text() + "\nMAX_HEADER_SIZE = 4096\nSERVER_KEEPALIVE_TIMEOUT = 2.5\n")
    monkeypatch.setenv("COVET_KEEPALIVE_TIMEOUT", "7")
    load_project()
    config = server_config_from_settings("127.0.0.1", 8123)
    assert (config.host, config.port) == ("127.0.0.1", 8123)
    assert config.max_header_size == 4096
    assert config.keep_alive_timeout == 7.0


def test_check_messages_quoting_brackets_are_shown_verbatim(runner, project, monkeypatch):
    # A setting value with "[/x]" in it once crashed runserver: the message was read as rich markup.
    settings_file = project / project.name / "settings.py"
    settings_file.write_text(settings_file.read_text() + '\nSTATICFILES_DIRS = ["assets[/x]"]\n')
    monkeypatch.setenv("DEBUG", "false")
    monkeypatch.setenv("ALLOWED_HOSTS", "example.com")
    result = runner.invoke(cli, ["runserver", "--noreload"])
    assert result.exit_code == 1, result.output
    assert "assets[/x]" in result.output and "files.W001" in result.output
    assert "security.E001" in result.output
