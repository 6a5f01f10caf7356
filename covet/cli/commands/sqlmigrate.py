"""``covet sqlmigrate APP REVISION``: print the SQL a migration runs, without running it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from covet.cli.commands._database import database_option, run_on_project

if TYPE_CHECKING:
    from covet.migrations import MigrationProject


@click.command("sqlmigrate")
@click.argument("app")
@click.argument("revision")
@click.option("--backwards", is_flag=True, help="Print the SQL that unapplies the migration instead.")
@database_option
def command(app: str, revision: str, backwards: bool, database: str) -> str:
    """Print the SQL of APP's migration REVISION (an id or its first digits) for the project's database."""
    from covet.migrations import sql_migrate

    async def work(project: MigrationProject) -> str:
        return await sql_migrate(project, app, revision, backwards=backwards)

    sql = run_on_project(database, work)
    click.echo(sql, nl=False)
    return sql
