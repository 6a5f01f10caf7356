"""The pytest plugin: the `settings` fixture restores values, and the plugin is harmless outside a project."""

from __future__ import annotations

import textwrap

from covet.cli import call_command
from covet.conf import LazySettings
from covet.testing.settings_fixture import SettingsFixture


def test_settings_fixture_restores_changed_added_and_deleted_values():
    settings = LazySettings()
    settings.configure(DEBUG=False, TIME_ZONE="UTC")
    fixture = SettingsFixture(settings)
    fixture.DEBUG = True
    fixture.DEBUG = "twice"
    fixture.NEW_SETTING = 1
    del fixture.TIME_ZONE
    assert (settings.DEBUG, settings.NEW_SETTING, hasattr(settings, "TIME_ZONE")) == ("twice", 1, False)
    assert fixture.DEBUG == "twice"
    with fixture.override(APPEND_SLASH=False):
        assert settings.APPEND_SLASH is False
    assert settings.APPEND_SLASH is True
    fixture.restore()
    assert settings.DEBUG is False
    assert settings.TIME_ZONE == "UTC"
    assert not hasattr(settings, "NEW_SETTING")


def test_plugin_outside_a_project_gives_default_settings(tmp_path, run_pytest):
    (tmp_path / "test_outside.py").write_text(
        textwrap.dedent(
            """
            def test_defaults(settings):
                assert settings.DEBUG is False
                settings.DEBUG = True
                assert settings.DEBUG is True

            def test_restored(settings):
                assert settings.DEBUG is False

            def test_unrelated():
                assert True
            """
        )
    )
    result = run_pytest("-q", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


def test_plugin_finds_the_project_from_the_rootdir(tmp_path, run_pytest):
    call_command("new", "plugsite", "--directory", str(tmp_path / "plugsite"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_pytest("-q", str(tmp_path / "plugsite"), cwd=elsewhere)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "passed" in result.stdout and "failed" not in result.stdout
