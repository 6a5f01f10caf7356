"""``include()``: mount a URL module, a router or a urlpatterns list under a prefix (resolved lazily)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from covet.conf.importing import is_missing_module
from covet.exceptions import ImproperlyConfigured


@dataclass(frozen=True, slots=True)
class Include:
    """A deferred mount, as returned by :func:`include`; a ``Router`` resolves it when it is included.

    ``target`` is a ``Router``, a URL module, its dotted path, a ``Route`` or a list of those.
    """

    target: Any
    prefix: str = ""
    namespace: str | None = None


def include(target: Any, prefix: str = "", namespace: str | None = None) -> Include:
    """Mount ``target`` under ``prefix``, for a ``urlpatterns`` list.

    With ``namespace``, the included routes' names become ``"namespace:name"`` for ``reverse()``.
    A dotted path is imported only when the URL conf is built, so URL modules may import each other freely.
    """
    if namespace is not None and (not namespace or ":" in namespace):
        raise ImproperlyConfigured(f"include(): namespace {namespace!r} must be a non-empty name without ':'.")
    return Include(target=target, prefix=prefix, namespace=namespace)


def import_url_module(dotted_path: str) -> ModuleType:
    """Import the URL module ``dotted_path`` with an error that says what to fix."""
    try:
        return importlib.import_module(dotted_path)
    except ModuleNotFoundError as exc:
        if is_missing_module(exc, dotted_path):
            raise ImproperlyConfigured(
                f"Cannot include URL module {dotted_path!r}: no module named {exc.name!r}. "
                "Check the dotted path (and ROOT_URLCONF / INSTALLED_APPS)."
            ) from exc
        raise


def url_module_patterns(module: ModuleType) -> Any:
    """What a URL module exposes: its ``urlpatterns`` list, else its ``router``."""
    if hasattr(module, "urlpatterns"):
        return module.urlpatterns
    if hasattr(module, "router"):
        return module.router
    raise ImproperlyConfigured(
        f"URL module {module.__name__!r} defines neither `urlpatterns` (a list of routers and include()s) "
        "nor `router` (a covet.routing.Router). Add one of them."
    )
