"""The ``covet`` command: a click group that registers every command module in ``covet.cli.commands``.

A module there exposing ``command`` (a click command) or ``commands`` (a list of them) is picked up
automatically, so a layer adds a command by adding a file.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

import click

from covet import __version__
from covet.cli import commands as commands_package
from covet.cli.errors import CommandError
from covet.exceptions import ImproperlyConfigured


class CovetGroup(click.Group):
    """A group that turns configuration errors raised by any command into a clear one-line failure."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc


def _commands_of(module: ModuleType) -> list[click.Command]:
    found = list(getattr(module, "commands", []))
    single = getattr(module, "command", None)
    if single is not None:
        found.insert(0, single)
    for item in found:
        if not isinstance(item, click.Command):
            raise TypeError(f"{module.__name__}: {item!r} is not a click command.")
    return found


def discover_commands() -> list[click.Command]:
    """Import every module of ``covet.cli.commands`` and collect the commands they expose.

    A module that fails to import is reported on stderr and skipped, so one broken command does not
    take the whole CLI down.
    """
    found: list[click.Command] = []
    for info in sorted(pkgutil.iter_modules(commands_package.__path__), key=lambda item: item.name):
        if info.name.startswith("_"):
            continue
        name = f"{commands_package.__name__}.{info.name}"
        try:
            module = importlib.import_module(name)
        except Exception as exc:
            print(f"covet: skipping the command module {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        found.extend(_commands_of(module))
    return found


@click.group(cls=CovetGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="Covet", message="%(prog)s %(version)s")
def cli() -> None:
    """Covet: create, run, inspect and test Covet projects."""


for _command in discover_commands():
    cli.add_command(_command)


def call_command(name: str, *args: Any) -> Any:
    """Run the command ``name`` with ``args`` in this process and return what the command returns.

    For tests and scripts. Usage errors and CommandError propagate as exceptions; a command that exits
    with a non-zero status raises SystemExit with it.
    """
    argv = [name, *(str(arg) for arg in args)]
    try:
        with cli.make_context("covet", argv) as ctx:
            return cli.invoke(ctx)
    except click.exceptions.Exit as exc:
        if exc.exit_code:
            raise SystemExit(exc.exit_code) from exc
        return None


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``covet`` console script and ``python -m covet``."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="covet")
