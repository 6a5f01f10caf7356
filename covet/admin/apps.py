"""The ``covet.admin`` app; ``ready()`` imports each installed app's ``admin`` module (autodiscovery)."""

from __future__ import annotations

from covet.conf.apps import AppConfig


class AdminConfig(AppConfig):
    name = "covet.admin"
    label = "admin"
    verbose_name = "Administration"

    def ready(self) -> None:
        from covet.admin.sites import autodiscover

        autodiscover()
