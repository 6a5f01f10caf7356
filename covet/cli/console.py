"""The rich consoles commands print through (stdout for results, stderr for diagnostics).

rich is imported when a console is made, not when a command module is imported: ``covet serve --prod``
prints through plain ``print`` and never loads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def stdout() -> Console:
    """A console on the current ``sys.stdout`` (looked up at each write, so captured output works)."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)
