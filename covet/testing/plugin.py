"""Covet's pytest plugin: the ``client``, ``async_client`` and ``settings`` fixtures.

Registered through the ``pytest11`` entry point, so any project with Covet installed gets it. Outside
a project it does nothing until a fixture is requested. At startup it locates the project from the
rootdir (as well as from the current directory), so ``pytest path/to/project`` works from anywhere.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from covet.testing.settings_fixture import SettingsFixture

if TYPE_CHECKING:
    from covet.conf.lazy import LazySettings
    from covet.testing.client import AsyncTestClient, TestClient

if importlib.util.find_spec("pytest_asyncio") is not None:
    import pytest_asyncio

    async_fixture: Callable[..., Any] = pytest_asyncio.fixture
else:  # pragma: no cover - depends on the installed plugins
    async_fixture = pytest.fixture


def pytest_configure(config: pytest.Config) -> None:
    from covet.conf.discovery import SETTINGS_ENV_VAR, add_to_sys_path, find_project
    from covet.exceptions import ImproperlyConfigured

    if os.environ.get(SETTINGS_ENV_VAR):
        return
    try:
        location = find_project(start=config.rootpath)
    except ImproperlyConfigured as exc:
        raise pytest.UsageError(str(exc)) from exc
    if location is not None and location.root is not None:
        add_to_sys_path(location.root)
        os.environ[SETTINGS_ENV_VAR] = location.settings_module


def _loaded_settings() -> LazySettings:
    """The settings, falling back to the global defaults when there is no project (framework tests)."""
    from covet.conf import settings
    from covet.conf.discovery import find_project

    if not settings.is_configured and find_project() is None:
        settings.configure()
    return settings


@pytest.fixture
def settings() -> Iterator[SettingsFixture]:
    """The settings; ``settings.NAME = value`` lasts until the end of the test."""
    fixture = SettingsFixture(_loaded_settings())
    try:
        yield fixture
    finally:
        fixture.restore()


@pytest.fixture
def client() -> Iterator[TestClient]:
    """A ``TestClient`` on the project's application, with its lifespan started."""
    import covet
    from covet.testing.client import TestClient

    with TestClient(covet.get_asgi_application()) as test_client:
        yield test_client


@async_fixture
async def async_client() -> AsyncIterator[AsyncTestClient]:
    """An ``AsyncTestClient`` on the project's application, with its lifespan started."""
    import covet
    from covet.testing.client import AsyncTestClient

    async with AsyncTestClient(covet.get_asgi_application()) as test_client:
        yield test_client
