"""The root URL conf: the router the running application serves, and module-level ``reverse()``."""

from __future__ import annotations

from typing import Any

from covet.exceptions import ImproperlyConfigured
from covet.routing.router import Router

_root_router: Router | None = None


def router_from_urlconf(urlconf: Any) -> Router:
    """Build a ``Router`` from a URL module, its dotted path, a router or a urlpatterns list."""
    if isinstance(urlconf, Router):
        return urlconf
    router = Router()
    router.include(urlconf)
    return router


def set_root_router(router: Router | None) -> None:
    """Make ``router`` the one module-level ``reverse()`` uses (the core does this when it builds the app)."""
    global _root_router
    _root_router = router


def current_root_router() -> Router | None:
    """The registered root router, or ``None``; never loads settings (for test isolation helpers)."""
    return _root_router


def get_root_router() -> Router:
    """The registered root router, else one built from ``settings.ROOT_URLCONF``."""
    global _root_router
    if _root_router is None:
        from covet.conf import settings

        urlconf = getattr(settings, "ROOT_URLCONF", None)
        if not urlconf:
            raise ImproperlyConfigured(
                "reverse() needs the root URL conf: set ROOT_URLCONF in your settings (e.g. 'mysite.urls') "
                "or build the application first."
            )
        _root_router = router_from_urlconf(urlconf)
    return _root_router


def reverse(name: str, /, **params: Any) -> str:
    """The path of the route called ``name`` in the root URL conf (raises ``NoReverseMatch``)."""
    return get_root_router().reverse(name, **params)
