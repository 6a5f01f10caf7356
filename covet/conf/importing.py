"""``import_string``: load an object from a dotted path written in settings."""

from __future__ import annotations

import importlib
from typing import Any

from covet.exceptions import ImproperlyConfigured


def is_missing_module(exc: ModuleNotFoundError, dotted: str) -> bool:
    """Whether ``exc`` says that ``dotted`` itself (or a package on its path) is missing, as opposed to a module
    that ``dotted`` imports: ``"shop_app"`` is not missing when its ``import shop`` fails."""
    return bool(exc.name) and (dotted == exc.name or dotted.startswith(f"{exc.name}."))


def import_string(dotted_path: str, *, setting: str | None = None) -> Any:
    """Import ``"package.module.Name"`` (or ``"package.module:Name"``) and return the attribute.

    Errors are ImproperlyConfigured naming the path (and the setting it came from, when given).
    """
    where = f" (in {setting})" if setting else ""
    if not isinstance(dotted_path, str):
        raise ImproperlyConfigured(f"Expected a dotted path string{where}, got {dotted_path!r}.")
    if ":" in dotted_path:
        module_path, _, attribute = dotted_path.partition(":")
    else:
        module_path, _, attribute = dotted_path.rpartition(".")
    if not module_path or not attribute:
        raise ImproperlyConfigured(f"{dotted_path!r}{where} is not a dotted path like 'package.module.Name'.")
    try:
        module = importlib.import_module(module_path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"{dotted_path!r}{where} cannot be imported: {exc}.") from exc
    try:
        return getattr(module, attribute)
    except AttributeError:
        raise ImproperlyConfigured(
            f"{dotted_path!r}{where}: the module {module_path!r} has no attribute {attribute!r}."
        ) from None
