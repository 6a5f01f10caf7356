"""``covet routes``: a table of every route of the project (methods, path, name, endpoint)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import click
from rich.markup import escape
from rich.table import Table

from covet.cli.console import stdout
from covet.cli.errors import CommandError
from covet.cli.project import load_project

if TYPE_CHECKING:
    from covet.routing import Route, Router


@dataclass(frozen=True)
class RouteRow:
    """One line of the table, as the command returns it to ``call_command()``."""

    methods: str
    path: str
    name: str
    endpoint: str


def describe_endpoint(route: Route) -> str:
    """``module.qualname`` of the view, or what a static route answers with."""
    if route.kind == "static":
        return f"static body ({len(route.body)} bytes, {route.content_type})"
    endpoint = route.endpoint
    while isinstance(endpoint, functools.partial):  # the admin binds its views to a site or model admin this way
        endpoint = endpoint.func
    module = getattr(endpoint, "__module__", None) or ""
    qualname = getattr(endpoint, "__qualname__", None) or type(endpoint).__qualname__
    return f"{module}.{qualname}" if module else qualname


def route_rows(router: Router) -> list[RouteRow]:
    rows = []
    for route in router.routes:
        methods = "WEBSOCKET" if route.kind == "websocket" else ", ".join(sorted(route.methods))
        rows.append(RouteRow(methods, route.path, route.name or "", describe_endpoint(route)))
    return rows


@click.command("routes")
def command() -> list[RouteRow]:
    """List the project's routes."""
    load_project()
    from covet.conf import settings
    from covet.routing import router_from_urlconf

    if not settings.ROOT_URLCONF:
        raise CommandError("ROOT_URLCONF is not set; set it to the module of your URL conf, e.g. 'mysite.urls'.")
    rows = route_rows(router_from_urlconf(settings.ROOT_URLCONF))
    table = Table(title=f"Routes of {settings.ROOT_URLCONF}", title_justify="left")
    for header, style in (("Methods", "cyan"), ("Path", "bold"), ("Name", "green"), ("Endpoint", "dim")):
        table.add_column(header, style=style, overflow="fold")
    for row in rows:
        table.add_row(*(escape(value) for value in (row.methods, row.path, row.name, row.endpoint)))
    stdout().print(table)
    return rows
