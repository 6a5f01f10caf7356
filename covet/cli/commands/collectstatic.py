"""``covet collectstatic``: copy every static file into STATIC_ROOT with hashed names, a manifest and
precompressed variants, showing a progress bar."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from covet.cli.console import stderr, stdout
from covet.cli.errors import CommandError
from covet.cli.project import load_project


@click.command("collectstatic")
@click.option("--clear", is_flag=True, help="Delete everything in STATIC_ROOT first.")
@click.option("--no-compress", is_flag=True, help="Do not write .gz/.br variants.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, only the summary line.")
def command(clear: bool, no_compress: bool, quiet: bool) -> object:
    """Collect static files into STATIC_ROOT for production (hashed names + staticfiles.json)."""
    load_project()
    from covet.conf import settings
    from covet.exceptions import ImproperlyConfigured
    from covet.staticfiles.collect import collect_static
    from covet.staticfiles.finders import StaticFinder
    from covet.staticfiles.urls import static_prefix

    if not getattr(settings, "STATIC_ROOT", None):
        raise CommandError(
            "STATIC_ROOT is not set, so there is nowhere to collect static files to. Add "
            "STATIC_ROOT = BASE_DIR / 'staticfiles' to your settings."
        )
    static_root = Path(settings.BASE_DIR or ".") / Path(settings.STATIC_ROOT)
    try:
        finder = StaticFinder.from_settings(settings)
        total = sum(1 for _ in finder.list_files())
        with Progress(
            TextColumn("[bold]Collecting[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=stderr(),
            disable=quiet,
            transient=True,
        ) as progress:
            task = progress.add_task("", total=total)

            def advance(name: str) -> None:
                progress.update(task, advance=1, description=escape(name))

            result = collect_static(
                static_root,
                finder,
                static_prefix=static_prefix(),
                clear=clear,
                compress=not no_compress,
                progress=advance,
            )
    except (ImproperlyConfigured, OSError) as exc:
        raise CommandError(f"collectstatic failed: {exc}") from exc
    errors = stderr()
    for css_name, missing in result.missing_references:
        errors.print(f"[yellow]warning[/] {escape(css_name)} refers to {escape(missing)}, which is not a static file.")
    stdout().print(
        f"[green]{len(result.paths)} static files collected[/] into {escape(str(result.static_root))} "
        f"({len(result.compressed)} compressed variants); manifest: {escape(str(result.manifest))}"
    )
    return result
