"""`covet check`'s deployment checks: what only matters with DEBUG off (HSTS, the security middleware, state kept
in one process's memory while production runs several workers) and cache aliases that point nowhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from covet.conf.checks import Level, run_checks
from covet.conf.lazy import build_settings

SECURITY = "covet.middleware.security.SecurityMiddleware"
SESSIONS = "covet.auth.sessions.SessionMiddleware"
RATELIMIT = "covet.middleware.ratelimit.RateLimitMiddleware"
REDIS_CACHES = {"default": {"BACKEND": "covet.cache.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/0"}}


def deployment_ids(tmp_path: Path, **values: Any) -> list[str]:
    """The ids of the deployment-related messages for these settings (DEBUG off unless given)."""
    values.setdefault("DEBUG", False)
    settings = build_settings(values, module=None, root=tmp_path, environ=None)
    prefixes = ("security.W003", "security.W004", "sessions.", "ratelimit.", "caches.")
    return sorted(message.id for message in run_checks(settings) if message.id.startswith(prefixes))


def test_hsts_off_with_debug_off_is_a_warning_with_a_hint(tmp_path):
    settings = build_settings({"DEBUG": False, "MIDDLEWARE": [SECURITY]}, module=None, root=tmp_path, environ=None)
    [hsts] = [message for message in run_checks(settings) if message.id == "security.W004"]
    assert hsts.level == Level.WARNING
    assert "SECURE_HSTS_SECONDS" in hsts.message and "31536000" in hsts.hint


def test_hsts_on_or_debug_on_is_fine(tmp_path):
    assert deployment_ids(tmp_path, MIDDLEWARE=[SECURITY], SECURE_HSTS_SECONDS=3600) == []
    assert deployment_ids(tmp_path, DEBUG=True) == []


def test_missing_security_middleware_with_debug_off(tmp_path):
    assert deployment_ids(tmp_path, SECURE_HSTS_SECONDS=3600) == ["security.W003"]
    assert deployment_ids(tmp_path, MIDDLEWARE=["covet.middleware.security.SecurityMiddleware"],
                          SECURE_HSTS_SECONDS=3600) == []  # fmt: skip


@pytest.mark.parametrize("backend", ["covet.cache.locmem.LocMemCache", "locmem"])
def test_sessions_in_local_memory_with_debug_off_warn_about_workers(tmp_path, backend):
    settings = build_settings(
        {"DEBUG": False, "MIDDLEWARE": [SECURITY, SESSIONS], "SECURE_HSTS_SECONDS": 60, "SESSION_ENGINE": "cache",
         "CACHES": {"default": {"BACKEND": backend}}},
        module=None, root=tmp_path, environ=None,
    )  # fmt: skip
    [sessions] = [message for message in run_checks(settings) if message.id == "sessions.W001"]
    assert "several workers" in sessions.message
    assert "REDIS_URL" in sessions.hint and 'SESSION_ENGINE = "db"' in sessions.hint


def test_shared_session_engines_do_not_warn(tmp_path):
    base = {"MIDDLEWARE": [SECURITY, SESSIONS], "SECURE_HSTS_SECONDS": 60}
    assert deployment_ids(tmp_path, **base, SESSION_ENGINE="db") == []
    assert deployment_ids(tmp_path, **base, SESSION_ENGINE="signed_cookie") == []
    assert deployment_ids(tmp_path, **base, SESSION_ENGINE="cache", CACHES=REDIS_CACHES) == []
    # In development one process is all there is.
    assert deployment_ids(tmp_path, **base, DEBUG=True, SESSION_ENGINE="cache") == []
    # Without the session middleware there are no sessions to lose.
    assert deployment_ids(tmp_path, MIDDLEWARE=[SECURITY], SECURE_HSTS_SECONDS=60, SESSION_ENGINE="cache") == []


def test_sessions_on_a_second_local_cache_alias_warn_too(tmp_path):
    caches = {**REDIS_CACHES, "sessions": {"BACKEND": "locmem"}}
    found = deployment_ids(tmp_path, MIDDLEWARE=[SECURITY, SESSIONS], SECURE_HSTS_SECONDS=60, CACHES=caches,
                           SESSION_CACHE_ALIAS="sessions")  # fmt: skip
    assert found == ["sessions.W001"]


def test_rate_limits_in_local_memory_with_debug_off(tmp_path):
    base = {"SECURE_HSTS_SECONDS": 60}
    assert deployment_ids(tmp_path, **base, MIDDLEWARE=[SECURITY, RATELIMIT]) == ["ratelimit.W001"]
    # covet.auth's login view is rate limited even without the middleware.
    assert deployment_ids(tmp_path, **base, MIDDLEWARE=[SECURITY], INSTALLED_APPS=["covet.auth"]) == ["ratelimit.W001"]
    assert deployment_ids(tmp_path, **base, MIDDLEWARE=[SECURITY, RATELIMIT], CACHES=REDIS_CACHES) == []
    assert deployment_ids(tmp_path, **base, MIDDLEWARE=[SECURITY, RATELIMIT], RATELIMIT_ENABLED=False) == []


def test_cache_alias_settings_must_name_a_configured_cache(tmp_path):
    settings = build_settings(
        {"DEBUG": True, "SESSION_CACHE_ALIAS": "sessions", "JWT_CACHE_ALIAS": "tokens"},
        module=None, root=tmp_path, environ=None,
    )  # fmt: skip
    errors = [message for message in run_checks(settings) if message.id == "caches.E001"]
    assert [message.level for message in errors] == [Level.ERROR, Level.ERROR]
    text = "\n".join(message.message + message.hint for message in errors)
    assert "SESSION_CACHE_ALIAS is 'sessions'" in text and "JWT_CACHE_ALIAS is 'tokens'" in text
    assert "['default']" in text
