"""Errors a command raises to stop with a one-line message and an exit status."""

from __future__ import annotations

import click


class CommandError(click.ClickException):
    """The command cannot do what was asked; the message says why and what to do (exit status 1)."""

    exit_code = 1


class ProjectNotFound(CommandError):
    """A command that needs a project was run outside one (exit status 2)."""

    exit_code = 2
