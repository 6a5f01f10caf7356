"""``covet new NAME``: create a project from the project template, and say what to do next."""

from __future__ import annotations

import secrets
from pathlib import Path

import click
from rich.markup import escape

from covet import __version__
from covet.cli.console import stdout
from covet.cli.scaffold import project_template_dir, render_tree, validate_new_package
from covet.conf.checks import INSECURE_KEY_PREFIX

# Names the template itself uses at the top level of a project.
RESERVED_PROJECT_NAMES = frozenset({"blog", "tests", "static", "templates", "covet"})


def development_secret_key() -> str:
    """A random key for development; the prefix lets `covet check` flag it if it reaches production."""
    return INSECURE_KEY_PREFIX + secrets.token_urlsafe(40)


@click.command("new")
@click.argument("name")
@click.option(
    "--directory",
    "-d",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to create the project (default: ./NAME). Must not exist or be empty.",
)
def command(name: str, directory: Path | None) -> Path:
    """Create a new project called NAME."""
    target = (directory if directory is not None else Path.cwd() / name).resolve()
    validate_new_package(name, "project", target, RESERVED_PROJECT_NAMES)
    context = {"project_name": name, "secret_key": development_secret_key(), "covet_version": __version__}
    render_tree(project_template_dir(), target, context, {"project_name": name, "_gitignore": ".gitignore"})
    _print_next_steps(name, target)
    return target


def _print_next_steps(name: str, target: Path) -> None:
    console = stdout()
    try:
        shown = target.relative_to(Path.cwd())
    except ValueError:
        shown = target
    console.print(f"[bold green]Created the project [cyan]{name}[/cyan] in {escape(str(target))}[/]")
    console.print("\nNext steps:")
    console.print(f"  [bold]cd {escape(str(shown))}[/]")
    console.print("  [bold]covet migrate[/]        create the database tables (users, sessions, ...)")
    console.print("  [bold]covet runserver[/]      then open http://127.0.0.1:8000/")
    console.print("  [bold]python -m pytest[/]     run the project's tests")
    console.print("  [bold]covet startapp NAME[/]  add an app, then list it in INSTALLED_APPS")
