"""The ``covet.auth`` app: users, groups and permissions (add ``"covet.auth"`` to INSTALLED_APPS)."""

from __future__ import annotations

from covet.conf.apps import AppConfig


class AuthConfig(AppConfig):
    name = "covet.auth"
    label = "auth"
    verbose_name = "Authentication and authorization"
