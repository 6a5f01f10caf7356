"""Shared plumbing of the database commands: load the project, run a coroutine on its database, report errors.

Not a command module (the leading underscore keeps ``covet.cli.main`` from registering it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import click

from covet.cli.errors import CommandError
from covet.cli.project import load_project
from covet.exceptions import CovetError, ImproperlyConfigured

if TYPE_CHECKING:
    from covet.migrations import MigrationProject

T = TypeVar("T")

database_option = click.option(
    "--database",
    default="default",
    show_default=True,
    help="The alias in settings.DATABASES to work on.",
)


def run_on_project(database: str, work: Callable[[MigrationProject], Awaitable[T]]) -> T:
    """Load the project, then run ``work`` on it in a fresh event loop; Covet errors become one-line failures."""
    load_project()
    # Imported here, not at module level: `covet --help` and unrelated commands need not load Alembic.
    from sqlalchemy.exc import DBAPIError

    from covet.migrations import MigrationProject

    async def main() -> T:
        project = MigrationProject.from_settings(database)
        try:
            return await work(project)
        except (OSError, DBAPIError) as exc:
            url = project.engine.url.render_as_string(hide_password=True)
            detail = exc.orig if isinstance(exc, DBAPIError) else exc
            raise CommandError(
                f"Can't use the database {url} (settings.DATABASES[{database!r}]): {detail}. "
                "Check the URL and that the database server is running and reachable."
            ) from exc
        finally:
            await project.engine.dispose()

    try:
        return asyncio.run(main())
    except (CovetError, ImproperlyConfigured) as exc:
        raise CommandError(str(exc)) from exc
