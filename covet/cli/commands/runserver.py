"""``covet runserver [ADDR:PORT]``: serve the project on the development server, reloading on changes."""

from __future__ import annotations

import importlib.util
import os
from typing import TYPE_CHECKING

import click

from covet.cli.check_report import print_check_messages
from covet.cli.console import stderr
from covet.cli.errors import CommandError
from covet.cli.project import load_project, project_root

if TYPE_CHECKING:
    from covet.server.config import ServerConfig

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def parse_address(value: str) -> tuple[str, int]:
    """``"8000"``, ``"0.0.0.0"``, ``"0.0.0.0:8000"`` or ``"[::1]:8000"`` as (host, port)."""
    host, port_text = DEFAULT_HOST, str(DEFAULT_PORT)
    if value.startswith("["):
        inner, bracket, rest = value[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise click.BadParameter(f"{value!r} is not an address like [::1]:8000.")
        host, port_text = inner, rest[1:] or port_text
    elif value.isdigit():
        port_text = value
    elif value.count(":") == 1:
        host, _, port_text = value.partition(":")
        host = host or DEFAULT_HOST
    elif ":" in value:
        raise click.BadParameter(f"{value!r}: write IPv6 addresses in brackets, e.g. [::1]:8000.")
    else:
        host = value
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise click.BadParameter(f"{port_text!r} is not a port number (1-65535).")
    return host, int(port_text)


def project_app_import_string(settings_module: str) -> str:
    """``mysite.asgi:application`` for the settings module ``mysite.settings``."""
    package = settings_module.rpartition(".")[0]
    module = f"{package}.asgi" if package else "asgi"
    try:
        found = importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # the settings' package itself is not importable
        found = False
    if not found:
        raise CommandError(
            f"The project has no {module.replace('.', '/')}.py defining `application`; "
            "create it or pass --app MODULE:ATTR."
        )
    return f"{module}:application"


# ServerConfig field -> the setting that configures it.
SERVER_SETTINGS = {
    "max_header_size": "MAX_HEADER_SIZE",
    "max_body_size": "MAX_REQUEST_BODY_SIZE",
    "header_timeout": "SERVER_HEADER_TIMEOUT",
    "body_timeout": "SERVER_BODY_TIMEOUT",
    "keep_alive_timeout": "SERVER_KEEPALIVE_TIMEOUT",
    "shutdown_timeout": "SERVER_SHUTDOWN_TIMEOUT",
}


def server_config_from_settings(host: str, port: int) -> ServerConfig:
    """The dev server's configuration: the settings' limits, unless a ``COVET_*`` variable sets one."""
    from covet.conf import settings
    from covet.server.config import ENV_VARIABLES, ServerConfig

    from_env = {field for variable, (field, _parse) in ENV_VARIABLES.items() if os.environ.get(variable, "").strip()}
    values = {field: getattr(settings, name) for field, name in SERVER_SETTINGS.items() if field not in from_env}
    return ServerConfig.from_env(host=host, port=port, **values)


def report_check_problems() -> None:
    """Show what `covet check` would report (unapplied migrations among it, one line); refuse to start on errors."""
    from covet.conf import settings
    from covet.conf.checks import run_checks

    problems = run_checks(settings)
    print_check_messages(stderr(), problems, hints=False)
    errors = [problem for problem in problems if problem.is_error]
    if errors:
        raise CommandError(f"{len(errors)} configuration error(s); run `covet check` for the details and hints.")


@click.command("runserver")
@click.argument("address", required=False, default=f"{DEFAULT_HOST}:{DEFAULT_PORT}", metavar="[ADDR:PORT]")
@click.option("--noreload", is_flag=True, help="Do not restart the server when code changes.")
@click.option("--app", "app_import", metavar="MODULE:ATTR", help="Serve this ASGI app instead of the project's.")
def command(address: str, noreload: bool, app_import: str | None) -> None:
    """Serve the project on the development server (default 127.0.0.1:8000)."""
    host, port = parse_address(address)
    location = load_project()
    os.chdir(project_root(location))  # the reloader watches, and the server imports from, the project root
    report_check_problems()
    import_string = app_import or project_app_import_string(location.settings_module)
    try:
        from covet.server.dev import run
    except ImportError as exc:
        raise CommandError(f"The development server is not available in this installation: {exc}.") from exc
    from rich.markup import escape  # here, not at the top: `covet serve --prod` imports this module's helpers

    url = escape(f"http://{_url_host(host)}:{port}/")
    stderr().print(f"Serving [bold]{escape(import_string)}[/] on [bold]{url}[/] (Ctrl+C to stop)")
    run(import_string, host, port, reload=not noreload, config=server_config_from_settings(host, port))


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
