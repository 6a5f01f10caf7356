"""``covet dbshell``: open the database's own command-line client (sqlite3 or psql) on the project's database."""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import TYPE_CHECKING

import click

from covet.cli.errors import CommandError
from covet.cli.project import load_project
from covet.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    import sqlalchemy as sa

_INSTALL_HINTS = {
    "sqlite3": "install it (Debian/Ubuntu: apt install sqlite3; macOS: brew install sqlite)",
    "psql": "install the PostgreSQL client (Debian/Ubuntu: apt install postgresql-client; macOS: brew install libpq)",
}


def client_command(url: str | sa.URL) -> tuple[list[str], dict[str, str]]:
    """The client argv and extra environment for a database URL."""
    import sqlalchemy as sa

    parsed = sa.make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise CommandError("The database is in memory (sqlite://); there is no file for sqlite3 to open.")
        return ["sqlite3", parsed.database], {}
    if backend == "postgresql":
        argv = ["psql"]
        for flag, value in (("-h", parsed.host), ("-p", parsed.port), ("-U", parsed.username)):
            if value is not None:
                argv += [flag, str(value)]
        if parsed.database:
            argv.append(parsed.database)
        env = {"PGPASSWORD": parsed.password} if parsed.password else {}
        sslmode = parsed.query.get("sslmode") or parsed.query.get("ssl")
        if isinstance(sslmode, str):
            env["PGSSLMODE"] = sslmode
        return argv, env
    raise CommandError(f"covet dbshell supports SQLite and PostgreSQL, not {backend!r}.")


@click.command("dbshell", context_settings={"ignore_unknown_options": True})
@click.option("--database", default="default", show_default=True, help="The alias in settings.DATABASES.")
@click.argument("client_args", nargs=-1, type=click.UNPROCESSED)
def command(database: str, client_args: tuple[str, ...]) -> int:
    """Run sqlite3 or psql connected to the project's database; arguments after -- go to the client."""
    load_project()
    from covet.orm.connections import database_settings

    try:
        url = database_settings(database)["URL"]
    except ImproperlyConfigured as exc:
        raise CommandError(str(exc)) from exc
    argv, env = client_command(url)
    executable = shutil.which(argv[0])
    if executable is None:
        raise CommandError(
            f"The {argv[0]} client is not on PATH, so covet dbshell can't open it: {_INSTALL_HINTS[argv[0]]}."
        )
    returncode = subprocess.call([executable, *argv[1:], *client_args], env={**os.environ, **env})
    if returncode:
        raise SystemExit(returncode)
    return returncode
