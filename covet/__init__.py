"""Covet: an async-first, batteries-included Python web framework."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from covet.core.app import CovetApp

__version__ = "0.1.0"

__all__ = ["__version__", "get_asgi_application", "setup"]


def setup() -> None:
    """Load the settings, apply ``LOGGING`` and populate the app registry (idempotent).

    For scripts, notebooks and shells; ``covet shell`` and ``get_asgi_application()`` call it.
    """
    from covet.conf import settings
    from covet.conf.apps import apps

    if apps.ready:
        return
    if settings.LOGGING:
        import logging.config

        logging.config.dictConfig(settings.LOGGING)
    apps.populate(settings.INSTALLED_APPS)


def get_asgi_application() -> CovetApp:
    """The project's ASGI application, built from the settings (calls ``setup()`` first)."""
    from covet.core.asgi import get_asgi_application as build

    setup()
    return build()
