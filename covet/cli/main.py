"""The ``covet`` command: a click group that registers every command module in ``covet.cli.commands``.

A module there exposing ``command`` (a click command) or ``commands`` (a list of them) is picked up
automatically, so a layer adds a command by adding a file.

Modules are imported when needed: running ``covet NAME`` imports ``covet.cli.commands.NAME`` only (the
``covet serve --prod`` supervisor stays small and starts fast); listing the commands (``covet --help``,
``cli.commands``) imports them all.
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
    """A group that loads its command modules on demand and turns configuration errors raised by any command
    into a clear one-line failure."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._discovered = False
        super().__init__(*args, **kwargs)

    @property  # type: ignore[override]
    def commands(self) -> dict[str, click.Command]:
        """Every command (imports every command module the first time)."""
        if not self._discovered:
            self._discovered = True
            for command in discover_commands():
                self._commands.setdefault(command.name or "", command)
        return self._commands

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._commands = value

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        name = name or cmd.name
        if name is None:
            raise TypeError("Command has no name.")
        self._commands[name] = cmd

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command ``cmd_name``, from its own module ``covet.cli.commands.<cmd_name>`` when that defines it."""
        found = self._commands.get(cmd_name)
        if found is None and not self._discovered:
            for command in _commands_of_module(cmd_name):
                self._commands.setdefault(command.name or "", command)
            found = self._commands.get(cmd_name)
        if found is None:
            found = self.commands.get(cmd_name)
        return found

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


def _commands_of_module(name: str) -> list[click.Command]:
    """The commands of ``covet.cli.commands.<name>``; none when there is no such module or it fails to import
    (the full discovery then reports the failure)."""
    if not name.isidentifier() or name.startswith("_"):
        return []
    module_name = f"{commands_package.__name__}.{name}"
    try:
        module = importlib.import_module(module_name)
    except Exception:
        return []
    return _commands_of(module)


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
