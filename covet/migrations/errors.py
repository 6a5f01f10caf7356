"""The error every migration command raises for problems the user can fix; its message says how."""

from __future__ import annotations

from covet.exceptions import CovetError


class MigrationError(CovetError):
    """A migration command could not do what was asked; the message explains why and what to do."""
