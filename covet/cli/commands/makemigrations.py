"""``covet makemigrations [APP]``: write a revision per app whose models differ from the database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.markup import escape

from covet.cli.commands._database import database_option, run_on_project
from covet.cli.console import stderr, stdout
from covet.cli.errors import CommandError

_STYLES = {"+": "green", "-": "red", "~": "yellow"}

if TYPE_CHECKING:
    from covet.migrations import MigrationProject
    from covet.migrations.autogenerate import PlannedRevision


@click.command("makemigrations")
@click.argument("app", required=False)
@click.option("-m", "--message", help="What the revision does; becomes part of its file name.")
@click.option("--empty", is_flag=True, help="Write an empty revision for APP, to fill in by hand (data migrations).")
@click.option("--merge", is_flag=True, help="Join APP's several latest migrations (made on two branches) into one.")
@click.option("--dry-run", is_flag=True, help="Print what would be written; write nothing.")
@click.option("--check", is_flag=True, help="Like --dry-run, and exit with status 1 if there are changes (for CI).")
@database_option
def command(
    app: str | None, message: str | None, empty: bool, merge: bool, dry_run: bool, check: bool, database: str
) -> list[PlannedRevision]:
    """Compare the models with the database and write the migrations that close the gap."""
    from covet.migrations import make_migrations, merge_migrations

    if (empty or merge) and (dry_run or check):
        raise CommandError("--empty and --merge write a file; they can't be combined with --dry-run or --check.")
    if merge and app is None:
        raise CommandError("--merge needs an app: covet makemigrations APP --merge")

    def note(text: str) -> None:
        stderr().print(text, style="dim", markup=False)

    async def work(project: MigrationProject) -> list[PlannedRevision]:
        if merge:
            assert app is not None
            return [merge_migrations(project, app, message=message)]
        return await make_migrations(project, app, message=message, empty=empty, dry_run=dry_run or check, on_note=note)

    planned = run_on_project(database, work)
    _report(planned, app)
    if check and planned:
        raise CommandError("The models have changes without a migration: run `covet makemigrations`.")
    return planned


def _shown(path: Path | None) -> str:
    if path is None:
        return "?"
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _report(planned: list[PlannedRevision], app: str | None) -> None:
    console = stdout()
    if not planned:
        console.print(f"No changes detected in app '{escape(app)}'" if app else "No changes detected")
        return
    for revision in planned:
        console.print(f"Migrations for [bold]{escape(revision.app.label)}[/]:")
        console.print(f"  [cyan]{escape(_shown(revision.path))}[/]" if revision.path else "  (not written)")
        for change in revision.changes:
            console.print(f"    [{_STYLES[change.symbol]}]{escape(str(change))}[/]")
        if not revision.changes:
            console.print("    (no schema changes: a merge, or empty to edit by hand)", style="dim")
        for warning in revision.warnings:
            stderr().print(f"  Warning: {warning}", style="yellow", markup=False)
