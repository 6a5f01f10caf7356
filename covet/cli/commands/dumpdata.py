"""``covet dumpdata [app.Model ...]``: write model rows as a JSON fixture (stdout or a file)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click
import orjson

from covet.cli.commands._database import database_option, run_on_project
from covet.cli.console import stderr

if TYPE_CHECKING:
    from covet.migrations import MigrationProject


@click.command("dumpdata")
@click.argument("labels", nargs=-1)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE, not stdout.")
@click.option("--indent", type=click.IntRange(0, 8), default=None, help="Pretty-print, indenting by N spaces.")
@database_option
def command(labels: tuple[str, ...], output: Path | None, indent: int | None, database: str) -> int:
    """Dump the rows of every model, of APP or of APP.Model labels, as JSON that `covet loaddata` reads back."""
    from covet.fixtures import ModelIndex, dump_data

    async def work(project: MigrationProject) -> list[dict[str, object]]:
        return await dump_data(project.engine, ModelIndex.installed().select(labels))

    objects = run_on_project(database, work)
    if indent is None:
        data = orjson.dumps(objects, option=orjson.OPT_APPEND_NEWLINE)
    else:  # orjson only indents by 2; the standard library honours any width
        data = (json.dumps(objects, indent=indent, ensure_ascii=False) + "\n").encode()
    if output is None:
        click.echo(data, nl=False)
    else:
        output.write_bytes(data)
        stderr().print(f"Dumped {len(objects)} object{'s' if len(objects) != 1 else ''} to {output}")
    return len(objects)
