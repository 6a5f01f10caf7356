"""Test setup shared by every test of this project.

Covet's pytest plugin provides the fixtures: ``client`` (a TestClient on this project's application),
``async_client`` (its async twin) and ``settings`` (change settings for one test).
"""

import pytest


@pytest.fixture(autouse=True)
def production_like_settings(settings):
    """Run every test as production would: DEBUG off, and the test client's host name allowed."""
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
