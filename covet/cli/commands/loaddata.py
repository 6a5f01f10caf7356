"""``covet loaddata FILE``: load a JSON fixture in one transaction; a bad file writes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from covet.cli.commands._database import database_option, run_on_project
from covet.cli.console import stdout

if TYPE_CHECKING:
    from covet.migrations import MigrationProject


@click.command("loaddata")
@click.argument("fixture", type=click.Path(path_type=Path))
@database_option
def command(fixture: Path, database: str) -> int:
    """Load FIXTURE (a file written by `covet dumpdata`); rows with existing primary keys are replaced."""
    from covet.fixtures import ModelIndex, load_data

    async def work(project: MigrationProject) -> int:
        return await load_data(project.engine, fixture, ModelIndex.installed())

    count = run_on_project(database, work)
    stdout().print(f"Installed {count} object{'s' if count != 1 else ''} from {fixture}", markup=False)
    return count
