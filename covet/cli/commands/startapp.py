"""``covet startapp NAME``: add an app package (config, views, templates, tests) to the current project."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape

from covet.cli.console import stdout
from covet.cli.project import project_root, require_project
from covet.cli.scaffold import app_template_dir, render_tree, validate_new_package
from covet.conf.discovery import add_to_sys_path

RESERVED_APP_NAMES = frozenset({"tests", "static", "templates", "covet"})


@click.command("startapp")
@click.argument("name")
def command(name: str) -> Path:
    """Create the app NAME in the current project."""
    location = require_project()
    root = project_root(location)
    target = root / name
    add_to_sys_path(root)  # so that a clash with one of the project's own modules is seen
    validate_new_package(name, "app", target, RESERVED_APP_NAMES | {location.settings_module.partition(".")[0]})
    context = {
        "app_name": name,
        "class_name": "".join(part.capitalize() for part in name.split("_")),
        "verbose_name": name.replace("_", " ").title(),
    }
    render_tree(app_template_dir(), target, context, {"app_name": name})
    console = stdout()
    console.print(f"[bold green]Created the app [cyan]{name}[/cyan] in {escape(str(target))}[/]")
    console.print("\nNext steps:")
    console.print(f'  add [bold]"{name}"[/] to INSTALLED_APPS in {location.settings_module.replace(".", "/")}.py')
    console.print(f'  add [bold]include("{name}.views", prefix="/{name}")[/] to the urlpatterns of your root URL conf')
    return target
