"""``covet showmigrations``: every app's migrations, ``[X]`` applied, ``[ ]`` not yet."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from covet.cli.commands._database import database_option, run_on_project
from covet.cli.console import stdout

if TYPE_CHECKING:
    from covet.migrations import AppStatus, MigrationProject


@click.command("showmigrations")
@click.argument("apps", nargs=-1)
@database_option
def command(apps: tuple[str, ...], database: str) -> list[AppStatus]:
    """List the migrations of every app (or of APPS) and whether each is applied."""
    from covet.migrations import show_migrations

    async def work(project: MigrationProject) -> list[AppStatus]:
        for label in apps:
            project.app(label)  # unknown labels fail with the list of installed apps
        return [status for status in await show_migrations(project) if not apps or status.label in apps]

    statuses = run_on_project(database, work)
    console = stdout()
    for status in statuses:
        console.print(status.label, style="bold", markup=False)
        if not status.revisions:
            console.print(" (no migrations)", style="dim", markup=False)
        for revision in status.revisions:
            mark = "[X]" if revision.applied else "[ ]"
            console.print(f" {mark} {revision.revision} {revision.message}", markup=False)
    return statuses
