"""``covet migrate [APP] [REVISION]``: apply migrations, or go back to a named revision (``zero``: all of APP)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from rich.markup import escape

from covet.cli.commands._database import database_option, run_on_project
from covet.cli.console import stdout
from covet.cli.errors import CommandError

if TYPE_CHECKING:
    from covet.migrations import AppliedStep, MigrationProject


# (upgrade, faked) -> what the progress line says.
_VERBS = {
    (True, False): "Applied",
    (False, False): "Unapplied",
    (True, True): "Faked applying",
    (False, True): "Faked unapplying",
}


@click.command("migrate")
@click.argument("app", required=False)
@click.argument("revision", required=False)
@click.option("--fake", is_flag=True, help="Record the migrations as applied (or unapplied) without running them.")
@database_option
def command(app: str | None, revision: str | None, fake: bool, database: str) -> list[AppliedStep]:
    """Bring the database schema up to date with the migration files.

    Without arguments every app is migrated to its latest revision. With APP only that app (and what it
    depends on). With APP REVISION the app goes forward or back to REVISION (an id or its first digits,
    e.g. 0002); `zero` unapplies all of APP's migrations.
    """
    from covet.migrations import MigrationFailed, migrate
    from covet.migrations.signals import send_post_migrate

    console = stdout()

    def report(step: AppliedStep) -> None:
        verb = _VERBS[step.upgrade, step.faked]
        mark = "[green]✓[/]" if step.upgrade else "[yellow]↶[/]"
        console.print(
            f"  {mark} {verb} [bold]{escape(step.app_label)}[/] {escape(step.revision)} "
            f"{escape(step.message)} [dim]({step.seconds * 1000:.0f} ms)[/]"
        )

    async def work(project: MigrationProject) -> list[AppliedStep]:
        target = f"{app} {revision}" if revision else (app or "all apps")
        console.print(f"Migrating [bold]{escape(target)}[/] on database '{escape(database)}'")
        with console.status("Running migrations...", spinner="dots"):
            steps = await migrate(project, app, revision, fake=fake, on_step=report)
            await send_post_migrate(database, steps)
            return steps

    try:
        steps = run_on_project(database, work)
    except CommandError as exc:
        if isinstance(exc.__cause__, MigrationFailed):
            console.print("[bold red]Migration failed.[/]")
        raise
    if not steps:
        console.print("No migrations to apply.")
    else:
        console.print(f"[green]Done:[/] {len(steps)} migration{'s' if len(steps) != 1 else ''}.")
    return steps
