"""Settings for auth tests (configured in code unless a project already did), and the real Redis helpers."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from covet.conf import settings

_TESTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(_TESTS / "cache"))  # live_services helpers (Redis, PostgreSQL)
sys.path.insert(0, str(_TESTS / "middleware"))  # requests_in_memory helpers


if not settings.is_configured:
    settings.configure(SECRET_KEY="auth-tests-" + "x" * 40, DEBUG=False, ALLOWED_HOSTS=["testserver"])


@pytest.fixture(autouse=True)
def _security_settings() -> Iterator[None]:
    """The values these tests assume, even when another suite configured settings first."""
    with settings.override(SECRET_KEY="auth-tests-" + "x" * 40, DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        yield
