"""Load an ASGI app from a ``"module:attribute"`` import string, with errors that say what to fix."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

from covet.conf.importing import is_missing_module
from covet.types import ASGIApp


class AppImportError(Exception):
    """The import string does not lead to an ASGI app; the message says why and what to try."""


def import_app(import_string: str) -> ASGIApp:
    """Import ``module.path:attribute.path`` (the current directory is importable, as with ``python -m``)."""
    module_name, _, attribute_path = import_string.partition(":")
    if not module_name or not attribute_path:
        raise AppImportError(f"Invalid app {import_string!r}: use the form 'module:attribute', e.g. 'mysite.asgi:app'.")
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        # Only the module itself missing is the user's typo; a module missing from inside it is a dependency
        # problem, and its own error says which.
        if is_missing_module(exc, module_name):
            raise AppImportError(
                f"Could not import module {module_name!r} (looked in {cwd} and sys.path). "
                "Run from the project directory or check the spelling."
            ) from None
        raise
    target: Any = module
    for name in attribute_path.split("."):
        try:
            target = getattr(target, name)
        except AttributeError:
            raise AppImportError(f"Module {module_name!r} has no attribute {attribute_path!r}.") from None
    if not callable(target):
        raise AppImportError(
            f"{import_string!r} is not an ASGI application (a callable): it is of type {type(target).__name__}."
        )
    app: ASGIApp = target
    return app
