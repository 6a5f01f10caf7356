"""``covet check``: validate the project's settings and report every problem, with what to do about it."""

from __future__ import annotations

import click

from covet.cli.check_report import print_check_messages
from covet.cli.console import stdout
from covet.cli.errors import CommandError
from covet.cli.project import load_project
from covet.conf.checks import CheckMessage


@click.command("check")
def command() -> list[CheckMessage]:
    """Check the settings for problems; exit with status 1 if there are errors."""
    location = load_project(populate=False)
    from covet.conf import settings
    from covet.conf.checks import run_checks

    problems = run_checks(settings)
    console = stdout()
    print_check_messages(console, problems)
    errors = sum(problem.is_error for problem in problems)
    warnings = len(problems) - errors
    if errors:
        raise CommandError(
            f"System check found {errors} error(s) and {warnings} warning(s) in {location.settings_module}."
        )
    summary = f"{warnings} warning(s)" if warnings else "no issues"
    console.print(f"[green]System check identified {summary}[/] ({location.settings_module}).")
    return problems
