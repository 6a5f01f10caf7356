"""A throwaway project for the template tests: project templates, an installed app with its own templates, and
settings configured for them (isolated_globals() gives each test fresh settings and app registry, and restores
the previous ones afterwards)."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from covet.conf import settings
from covet.conf.apps import apps
from covet.testing.isolation import isolated_globals

if not settings.is_configured:
    settings.configure(SECRET_KEY="template-tests-" + "x" * 40, ALLOWED_HOSTS=["testserver"])

PROCESSORS = [
    "covet.templates.context_processors.request",
    "covet.templates.context_processors.user",
    "covet.templates.context_processors.csrf",
    "covet.messages.context_processors.messages",
    "covet.templates.context_processors.debug",
    "covet.templates.context_processors.static",
]


@dataclass
class Site:
    root: Path
    templates: Path
    app_templates: Path

    def write(self, relative: str, text: str, *, base: Path | None = None) -> Path:
        path = (base or self.templates) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    templates = tmp_path / "templates"
    app_package = tmp_path / "shopapp"
    (app_package / "templates").mkdir(parents=True)
    (app_package / "__init__.py").write_text('"""An app with templates."""\n', encoding="utf-8")
    templates.mkdir()
    with isolated_globals():
        sys.path.insert(0, str(tmp_path))
        values: dict[str, Any] = {
            "DEBUG": False,
            "BASE_DIR": tmp_path,
            "INSTALLED_APPS": ["shopapp"],
            "TEMPLATES": [{"DIRS": ["templates"], "APP_DIRS": True,
                           "OPTIONS": {"context_processors": PROCESSORS, "bytecode_cache": "jinja-cache"}}],
            "STATIC_URL": "/static/",
            "STATIC_ROOT": tmp_path / "collected",
            "STATICFILES_DIRS": [],
            "SESSION_ENGINE": "signed_cookie",
            "SECRET_KEY": "template-tests-" + "x" * 40,
            "ALLOWED_HOSTS": ["testserver"],
        }  # fmt: skip
        settings.configure(**values)
        apps.populate(values["INSTALLED_APPS"])
        yield Site(tmp_path, templates, app_package / "templates")
