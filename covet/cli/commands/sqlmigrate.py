"""``covet sqlmigrate APP REVISION``: print the SQL a migration runs, without running it."""

from __future__ import annotations

import click

from covet.cli.commands._database import database_option, run_on_project
from covet.migrations import MigrationProject, sql_migrate


@click.command("sqlmigrate")
@click.argument("app")
@click.argument("revision")
@click.option("--backwards", is_flag=True, help="Print the SQL that unapplies the migration instead.")
@database_option
def command(app: str, revision: str, backwards: bool, database: str) -> str:
    """Print the SQL of APP's migration REVISION (an id or its first digits) for the project's database."""

    async def work(project: MigrationProject) -> str:
        return sql_migrate(project, app, revision, backwards=backwards)

    sql = run_on_project(database, work)
    click.echo(sql, nl=False)
    return sql
