"""`covet check`'s checks: every problem of the settings is reported in one run."""

from __future__ import annotations

from pathlib import Path

import pytest

from covet.conf.checks import CheckMessage, Level, register, registry, run_checks
from covet.conf.lazy import build_settings


def make_settings(base_dir: Path, **values):
    return build_settings(values, module=None, root=base_dir, environ=None)


def ids(messages: list[CheckMessage]) -> list[str]:
    return sorted(message.id for message in messages)


@pytest.fixture
def urls_module(make_project, monkeypatch):
    project = make_project()
    project.write(f"{project.package}/urls.py", "urlpatterns = []\n")
    project.write(f"{project.package}/middleware.py", "class Middleware:\n    pass\n\nNOT_CALLABLE = 3\n")
    project.write("goodapp_c/__init__.py", "")
    monkeypatch.syspath_prepend(str(project.root))
    return project


def test_a_correct_production_configuration_has_no_issues(urls_module, tmp_path):
    settings = make_settings(
        tmp_path,
        DEBUG=False,
        SECRET_KEY="x7#Lq2!vR9@mP4$wK8^zN3&bT6*yH1(dF5)gJ0",
        ALLOWED_HOSTS=["example.com"],
        INSTALLED_APPS=["goodapp_c"],
        MIDDLEWARE=["covet.middleware.security.SecurityMiddleware", f"{urls_module.package}.middleware.Middleware"],
        ROOT_URLCONF=f"{urls_module.package}.urls",
        SECURE_HSTS_SECONDS=31536000,
    )
    assert run_checks(settings) == []


def test_every_problem_is_reported_at_once(urls_module, tmp_path):
    settings = make_settings(
        tmp_path,
        DEBUG=False,
        SECRET_KEY="",
        ALLOWED_HOSTS=[],
        INSTALLED_APPS=["goodapp_c", "no_such_app_1", "no_such_app_2"],
        MIDDLEWARE=["nowhere.Middleware", f"{urls_module.package}.middleware.Missing"],
        ASGI_MIDDLEWARE=[f"{urls_module.package}.middleware.NOT_CALLABLE"],
        ROOT_URLCONF="no_such_urls_module",
        DATABASES={"default": {}},
        STATICFILES_DIRS=["missing-static"],
    )
    messages = run_checks(settings)
    assert ids(messages) == [
        "apps.E001",
        "apps.E001",
        "database.E002",
        "files.W001",
        "middleware.E001",
        "middleware.E001",
        "middleware.E002",
        "security.E001",
        "security.E003",
        "security.W003",
        "security.W004",
        "urls.E002",
    ]
    text = "\n".join(message.message for message in messages)
    assert "no_such_app_1" in text and "no_such_app_2" in text
    assert "nowhere.Middleware" in text and "has no attribute 'Missing'" in text
    assert "is not a class or function" in text
    assert all(message.hint for message in messages if message.id in {"security.E001", "security.E003"})


def test_missing_secret_key_is_only_a_warning_in_debug(tmp_path):
    settings = make_settings(tmp_path, DEBUG=True, SECRET_KEY="", ROOT_URLCONF=None)
    messages = [message for message in run_checks(settings) if message.id.startswith("security")]
    assert [(message.level, message.id) for message in messages] == [(Level.WARNING, "security.W002")]


@pytest.mark.parametrize("key", ["covet-insecure-" + "a1b2c3d4e5f6g7h8i9j0k1l2m3n4", "short", "a" * 60])
def test_weak_secret_key_warns_when_debug_is_off(tmp_path, key):
    settings = make_settings(tmp_path, DEBUG=False, SECRET_KEY=key, ALLOWED_HOSTS=["x"])
    assert "security.W001" in ids(run_checks(settings))


def test_generated_development_key_is_fine_in_debug(tmp_path):
    settings = make_settings(tmp_path, DEBUG=True, SECRET_KEY="covet-insecure-abcdefghijklmnopqrstuvwxyz0123")
    assert not [message for message in run_checks(settings) if message.id.startswith("security")]


def test_wrong_types_are_reported(tmp_path):
    settings = make_settings(tmp_path, DEBUG="yes", ALLOWED_HOSTS="example.com", SECRET_KEY=123, EXCEPTION_HANDLERS=[])
    found = ids(run_checks(settings))
    assert {"core.E001", "security.E004", "security.E002", "core.E002"} <= set(found)


def test_url_module_without_patterns(urls_module, tmp_path):
    urls_module.write(f"{urls_module.package}/emptyurls.py", "x = 1\n")
    settings = make_settings(tmp_path, DEBUG=True, ROOT_URLCONF=f"{urls_module.package}.emptyurls")
    assert "urls.E003" in ids(run_checks(settings))


def test_missing_default_database_and_bad_url(tmp_path):
    assert "database.E001" in ids(run_checks(make_settings(tmp_path, DATABASES={})))
    bad = make_settings(tmp_path, DATABASES={"default": {"URL": "not a url at all"}})
    assert "database.E003" in ids(run_checks(bad))


def test_duplicate_app_labels(make_project, monkeypatch, tmp_path):
    project = make_project()
    project.write("one/dupe/__init__.py", "")
    project.write("one/__init__.py", "")
    project.write("dupe/__init__.py", "")
    monkeypatch.syspath_prepend(str(project.root))
    settings = make_settings(tmp_path, INSTALLED_APPS=["dupe", "one.dupe"])
    assert "apps.E003" in ids(run_checks(settings))


def test_a_crashing_check_is_reported_and_the_others_still_run(tmp_path):
    def broken(settings):
        raise KeyError("surprise")

    messages = run_checks(make_settings(tmp_path, DEBUG=False), checks=[broken, *registry])
    assert messages[0].id == "checks.E001"
    assert "KeyError" in messages[0].message
    assert "security.E001" in ids(messages)


def test_register_adds_a_check_once(tmp_path):
    def custom(settings):
        return [CheckMessage(Level.WARNING, "custom", id="custom.W001")]

    try:
        register(custom)
        register(custom)
        assert registry.count(custom) == 1
        assert "custom.W001" in ids(run_checks(make_settings(tmp_path)))
    finally:
        registry.remove(custom)
