"""get_asgi_application(): building from settings, and the errors for broken settings (each in a fresh process)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from served_project import APPS_DIR, REPO_ROOT

SNIPPET = """
import covet
from covet.core import CovetApp
from covet.routing import reverse
app = covet.get_asgi_application()
assert isinstance(app, CovetApp), app
print("debug", app.debug, "append_slash", app.append_slash, "routes", len(app.router.routes))
print("limits", app.max_body_size, app.max_form_memory_size)
print("reverse", reverse("item", id=5))
"""


def run_with_settings(tmp_path: Path, settings: str, code: str = SNIPPET) -> subprocess.CompletedProcess[str]:
    (tmp_path / "case_settings.py").write_text(textwrap.dedent(settings))
    env = {
        **os.environ,
        "COVET_SETTINGS_MODULE": "case_settings",
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), str(APPS_DIR), str(tmp_path)]),
    }
    env.pop("DEBUG", None)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )


def test_builds_from_settings_and_registers_the_root_urlconf(tmp_path: Path) -> None:
    result = run_with_settings(
        tmp_path,
        """
        DEBUG = True
        APPEND_SLASH = False
        ROOT_URLCONF = "served_urls"
        INSTALLED_APPS = ["served_app"]
        MIDDLEWARE = ["served_middleware.HeaderMiddleware"]
        MAX_REQUEST_BODY_SIZE = 5000
        MAX_FORM_MEMORY_SIZE = 300
        """,
    )
    assert result.returncode == 0, result.stderr
    assert "debug True append_slash False" in result.stdout
    assert "limits 5000 300" in result.stdout
    assert "reverse /api/items/5" in result.stdout


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ("ROOT_URLCONF = None", "ROOT_URLCONF is not set. Point it at the module holding your URL patterns"),
        ("ROOT_URLCONF = 'missing_urls'", "Cannot include URL module 'missing_urls': no module named 'missing_urls'"),
        ("ROOT_URLCONF = 'served_settings'", "defines neither `urlpatterns`"),
        (
            "ROOT_URLCONF = 'served_urls'\nMIDDLEWARE = ['served_middleware.Nope']",
            "'served_middleware.Nope' (in MIDDLEWARE): the module 'served_middleware' has no attribute 'Nope'",
        ),
        (
            "ROOT_URLCONF = 'served_urls'\nEXCEPTION_HANDLERS = {'builtins.KeyError': 'nowhere.handler'}",
            "'nowhere.handler' (in EXCEPTION_HANDLERS) cannot be imported",
        ),
    ],
)
def test_broken_settings_fail_with_a_clear_message(tmp_path: Path, settings: str, message: str) -> None:
    result = run_with_settings(tmp_path, settings)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
