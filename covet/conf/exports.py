"""Package attributes imported on first access (PEP 562), so importing a package stays cheap.

A served project imports many packages for one or two light names each (``covet.migrations.signals``,
``covet.staticfiles.urls``); their ``__init__`` must not load the heavy parts (Alembic, the collectstatic
machinery) that only a command needs::

    __getattr__ = lazy_exports(__name__, {"MigrationProject": "project", "migrate": "commands"})

Keep the same names under ``if TYPE_CHECKING:`` imports so that type checkers and readers see them.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` that imports ``package.<exports[name]>`` when ``name`` is first read.

    The value is then stored on the package, so later reads are plain attribute lookups.
    """

    def __getattr__(name: str) -> object:
        submodule = exports.get(name)
        if submodule is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{submodule}"), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
