"""The ``covet`` command-line interface; ``call_command()`` runs a command in-process for tests."""

from covet.cli.main import call_command, cli, main

__all__ = ["call_command", "cli", "main"]
