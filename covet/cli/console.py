"""The rich consoles commands print through (stdout for results, stderr for diagnostics)."""

from __future__ import annotations

from rich.console import Console


def stdout() -> Console:
    """A console on the current ``sys.stdout`` (looked up at each write, so captured output works)."""
    return Console(highlight=False, soft_wrap=False)


def stderr() -> Console:
    return Console(stderr=True, highlight=False)
