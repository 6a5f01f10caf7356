"""LazySettings: lazy loading, project discovery, environment overrides, configure() and override()."""

from __future__ import annotations

import ast
import asyncio
import sys
from pathlib import Path

import pytest

import covet.conf.global_settings as global_settings
from covet.conf import LazySettings
from covet.conf.discovery import SETTINGS_ENV_VAR, find_project
from covet.conf.paths import resolve_sqlite_url
from covet.exceptions import ImproperlyConfigured


def test_loads_only_on_first_access(make_project, monkeypatch):
    project = make_project("DEBUG = True\nTIME_ZONE = 'Europe/Paris'\n")
    monkeypatch.chdir(project.root)
    settings = LazySettings()
    assert not settings.is_configured
    assert project.package not in sys.modules
    assert settings.TIME_ZONE == "Europe/Paris"
    assert settings.is_configured
    assert project.settings_module == settings.SETTINGS_MODULE
    # Names the module does not set keep the global defaults.
    assert settings.APPEND_SLASH is True
    assert settings.MAX_REQUEST_BODY_SIZE == global_settings.MAX_REQUEST_BODY_SIZE


def test_pyproject_is_found_from_a_subdirectory_and_its_directory_is_importable(make_project, monkeypatch):
    project = make_project("INSTALLED_APPS = ['shop']\n")
    nested = project.root / "shop" / "templates"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)
    settings = LazySettings()
    assert settings.INSTALLED_APPS == ["shop"]
    assert str(project.root) in sys.path
    assert project.root == settings.BASE_DIR


def test_environment_variable_names_the_module_before_pyproject(make_project, monkeypatch):
    project = make_project("TIME_ZONE = 'from pyproject'\n")
    project.write(f"{project.package}/other.py", "TIME_ZONE = 'from env'\n")
    monkeypatch.chdir(project.root)
    monkeypatch.setenv(SETTINGS_ENV_VAR, f"{project.package}.other")
    assert LazySettings().TIME_ZONE == "from env"


def test_outside_a_project_the_error_says_what_to_do(tmp_path, isolated, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = LazySettings()
    with pytest.raises(ImproperlyConfigured) as info:
        settings.DEBUG  # noqa: B018
    message = str(info.value)
    assert "No Covet project found" in message
    assert "covet new" in message and "configure(" in message
    assert not settings.is_configured


def test_pyproject_without_settings_key(make_project, monkeypatch):
    project = make_project(pyproject=False)
    project.write("pyproject.toml", "[tool.covet]\nother = 1\n")
    monkeypatch.chdir(project.root)
    with pytest.raises(ImproperlyConfigured, match=r'add settings = "yourproject.settings"'):
        LazySettings().DEBUG  # noqa: B018


def test_a_pyproject_without_covet_table_is_not_a_project(tmp_path, isolated, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert find_project(start=tmp_path) is None


def test_missing_settings_module_is_named(make_project, monkeypatch):
    project = make_project()
    project.write("pyproject.toml", '[tool.covet]\nsettings = "nowhere.settings"\n')
    monkeypatch.chdir(project.root)
    with pytest.raises(ImproperlyConfigured, match=r"'nowhere.settings'.*cannot be imported"):
        LazySettings().DEBUG  # noqa: B018


def test_an_import_error_inside_the_settings_module_is_not_hidden(make_project, monkeypatch):
    project = make_project("import not_installed_library_xyz\n")
    monkeypatch.chdir(project.root)
    with pytest.raises(ModuleNotFoundError, match="not_installed_library_xyz"):
        LazySettings().DEBUG  # noqa: B018


def test_environment_overrides(make_project, monkeypatch):
    project = make_project(
        "DEBUG = True\nSECRET_KEY = 'from-module'\n"
        "DATABASES = {'default': {'URL': 'sqlite:///x.db', 'POOL_SIZE': 5}, 'other': {'URL': 'sqlite:///o.db'}}\n"
    )
    monkeypatch.chdir(project.root)
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://u@db/app")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/1")
    monkeypatch.setenv("DEBUG", "off")
    monkeypatch.setenv("ALLOWED_HOSTS", "example.com, .example.org,,")
    settings = LazySettings()
    assert settings.SECRET_KEY == "from-env"
    assert settings.DATABASES["default"] == {"URL": "postgresql+asyncpg://u@db/app", "POOL_SIZE": 5}
    assert settings.DATABASES["other"]["URL"] == f"sqlite:///{(project.root / 'o.db').as_posix()}"
    assert settings.REDIS_URL == "redis://cache:6379/1"
    assert settings.DEBUG is False
    assert settings.ALLOWED_HOSTS == ["example.com", ".example.org"]


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("TRUE", True), ("yes", True), ("0", False), ("No", False)])
def test_debug_values(make_project, monkeypatch, raw, expected):
    project = make_project(f"DEBUG = not {expected!r}\n")
    monkeypatch.chdir(project.root)
    monkeypatch.setenv("DEBUG", raw)
    assert LazySettings().DEBUG is expected


def test_garbage_debug_value_is_a_clear_error_and_settings_stay_unloaded(make_project, monkeypatch):
    project = make_project("DEBUG = True\n")
    monkeypatch.chdir(project.root)
    monkeypatch.setenv("DEBUG", "maybe")
    settings = LazySettings()
    with pytest.raises(ImproperlyConfigured) as info:
        settings.DEBUG  # noqa: B018
    assert "DEBUG='maybe'" in str(info.value)
    assert "true, false, 1, 0" in str(info.value)
    assert not settings.is_configured
    monkeypatch.setenv("DEBUG", "false")
    assert settings.DEBUG is False


def test_empty_environment_variable_counts_as_unset(make_project, monkeypatch):
    project = make_project("DEBUG = True\nSECRET_KEY = 'kept'\n")
    monkeypatch.chdir(project.root)
    monkeypatch.setenv("DEBUG", "")
    monkeypatch.setenv("SECRET_KEY", "  ")
    settings = LazySettings()
    assert settings.DEBUG is True
    assert settings.SECRET_KEY == "kept"


def test_relative_sqlite_url_is_relative_to_base_dir(make_project, monkeypatch):
    project = make_project()
    monkeypatch.chdir(project.root / project.package)
    settings = LazySettings()
    assert settings.DATABASES["default"]["URL"] == f"sqlite+aiosqlite:///{(project.root / 'db.sqlite3').as_posix()}"


@pytest.mark.parametrize(
    "url",
    ["sqlite+aiosqlite:////abs/db.sqlite3", "sqlite+aiosqlite:///:memory:", "sqlite://", "postgresql://h/db"],
)
def test_absolute_memory_and_other_urls_are_unchanged(url):
    assert resolve_sqlite_url(url, Path("/base")) == url


def test_query_string_of_sqlite_url_is_kept():
    assert resolve_sqlite_url("sqlite:///a.db?mode=ro", Path("/base")) == "sqlite:////base/a.db?mode=ro"


def test_defaults_are_copied_per_load(isolated):
    first, second = LazySettings(), LazySettings()
    first.configure()
    second.configure()
    first.DATABASES["default"]["URL"] = "changed"
    first.INSTALLED_APPS.append("x")
    assert second.DATABASES["default"]["URL"] != "changed"
    assert global_settings.INSTALLED_APPS == []


def test_configure_uses_values_and_ignores_environment(isolated, monkeypatch):
    monkeypatch.setenv("DEBUG", "true")
    settings = LazySettings()
    settings.configure(SECRET_KEY="k", ROOT_URLCONF="x.urls")
    assert settings.is_configured
    assert settings.SECRET_KEY == "k"
    assert settings.DEBUG is False
    assert settings.SETTINGS_MODULE is None
    assert settings._wrapped.is_overridden("SECRET_KEY")
    assert not settings._wrapped.is_overridden("DEBUG")


def test_configure_twice_is_refused_and_keeps_the_first(isolated):
    settings = LazySettings()
    settings.configure(TIME_ZONE="Asia/Tokyo")
    with pytest.raises(ImproperlyConfigured, match=r"already configured.*override"):
        settings.configure(TIME_ZONE="UTC")
    assert settings.TIME_ZONE == "Asia/Tokyo"


def test_configure_rejects_lower_case_names(isolated):
    settings = LazySettings()
    with pytest.raises(ImproperlyConfigured, match="upper case"):
        settings.configure(debug=True)
    assert not settings.is_configured


def test_override_as_context_manager_restores_values_and_absence(isolated):
    settings = LazySettings()
    settings.configure(DEBUG=False)
    with settings.override(DEBUG=True, BRAND_NEW=1):
        assert settings.DEBUG is True
        assert settings.BRAND_NEW == 1
        with settings.override(DEBUG="inner"):
            assert settings.DEBUG == "inner"
        assert settings.DEBUG is True
    assert settings.DEBUG is False
    assert not hasattr(settings, "BRAND_NEW")


def test_override_restores_after_an_exception(isolated):
    settings = LazySettings()
    settings.configure(TIME_ZONE="UTC")
    with pytest.raises(ValueError), settings.override(TIME_ZONE="Asia/Tokyo"):
        raise ValueError("boom")
    assert settings.TIME_ZONE == "UTC"


async def test_override_in_async_code(isolated):
    settings = LazySettings()
    settings.configure(DEBUG=False)

    @settings.override(DEBUG=True)
    async def read_debug() -> bool:
        await asyncio.sleep(0)
        return settings.DEBUG

    assert await read_debug() is True
    assert settings.DEBUG is False
    async with settings.override(DEBUG=True):
        assert settings.DEBUG is True
    assert settings.DEBUG is False


def test_override_as_sync_decorator(isolated):
    settings = LazySettings()
    settings.configure(APPEND_SLASH=True)

    @settings.override(APPEND_SLASH=False)
    def read() -> bool:
        return settings.APPEND_SLASH

    assert read() is False
    assert settings.APPEND_SLASH is True


def test_override_refuses_lower_case_names(isolated):
    settings = LazySettings()
    settings.configure()
    with pytest.raises(AttributeError, match="upper case"), settings.override(debug=True):
        pass


def test_every_default_is_documented_by_a_comment_above_it():
    source = Path(global_settings.__file__).read_text(encoding="utf-8")
    lines = source.splitlines()
    undocumented = []
    for node in ast.parse(source).body:
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(target, ast.Name) and target.id.isupper():
            above = lines[node.lineno - 2].strip()
            if not above.startswith("#") or above.startswith("####"):
                undocumented.append(target.id)
    assert undocumented == []


def test_every_contract_setting_has_a_default():
    contract = [
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "INSTALLED_APPS",
        "MIDDLEWARE",
        "ASGI_MIDDLEWARE",
        "ROOT_URLCONF",
        "EXCEPTION_HANDLERS",
        "APPEND_SLASH",
        "DATABASES",
        "CACHES",
        "REDIS_URL",
        "TEMPLATES",
        "STATIC_URL",
        "STATIC_ROOT",
        "STATICFILES_DIRS",
        "BASE_DIR",
        "TIME_ZONE",
        "MAX_REQUEST_BODY_SIZE",
        "MAX_FORM_MEMORY_SIZE",
        "MAX_HEADER_SIZE",
        "LOGGING",
    ]
    assert [name for name in contract if not hasattr(global_settings, name)] == []


def test_threads_reading_first_share_one_load(make_project, monkeypatch):
    import threading

    project = make_project("TIME_ZONE = 'Asia/Tokyo'\n")
    monkeypatch.chdir(project.root)
    settings = LazySettings()
    barrier = threading.Barrier(8)
    seen = []

    def read() -> None:
        barrier.wait()
        seen.append((settings.TIME_ZONE, id(settings._wrapped)))

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8 and len(set(seen)) == 1


def test_a_settings_module_reading_settings_is_a_clear_error(make_project, monkeypatch):
    project = make_project("from covet.conf import settings\nDEBUG = not settings.DEBUG\n")
    monkeypatch.chdir(project.root)
    monkeypatch.setattr("covet.conf.settings", LazySettings())
    from covet import conf

    with pytest.raises(ImproperlyConfigured, match="while it was being loaded"):
        conf.settings.DEBUG  # noqa: B018
    assert not conf.settings.is_configured
