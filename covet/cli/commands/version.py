"""``covet version``: the installed Covet and Python versions, and whether the accelerator is present."""

from __future__ import annotations

import importlib.util
import platform

import click

from covet import __version__
from covet.cli.console import stdout


@click.command("version")
def command() -> str:
    """Print the Covet version."""
    accel = "installed" if importlib.util.find_spec("covet_accel") is not None else "not installed"
    console = stdout()
    console.print(f"Covet {__version__}")
    console.print(f"Python {platform.python_version()} ({platform.python_implementation()})", style="dim")
    console.print(f"covet-accel {accel}", style="dim")
    return __version__
