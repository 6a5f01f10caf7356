"""``SettingsFixture``: the object behind the pytest ``settings`` fixture.

Assigning or deleting a setting on it changes the real settings at once; every change is undone when
the test ends.
"""

from __future__ import annotations

from typing import Any

from covet.conf.override import override


class SettingsFixture:
    """Reads through to ``settings``; writes are recorded and rolled back by ``restore()``."""

    def __init__(self, settings: Any) -> None:
        object.__setattr__(self, "_settings", settings)
        object.__setattr__(self, "_changes", override(settings))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._settings, name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._changes.set(name, value)

    def __delattr__(self, name: str) -> None:
        self._changes.delete(name)

    def override(self, **values: Any) -> override:
        """A nested temporary change (context manager or decorator), undone at its own exit."""
        return override(self._settings, **values)

    def restore(self) -> None:
        """Undo every change made through this fixture."""
        self._changes.restore()

    def __repr__(self) -> str:
        return f"<SettingsFixture for {self._settings!r}>"
