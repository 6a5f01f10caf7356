"""``covet serve --prod [APP]``: serve an ASGI app on the Rust production server (covet-accel).

APP defaults to the project's ``<package>.asgi:application``; any ``module:attr``
ASGI 3 app works (Starlette, Django's ASGI handler). Without the covet-accel
wheel the command says how to install it and exits with status 2: there is no
silent fallback to the development server.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from covet.cli.errors import CommandError

EXIT_NO_ACCEL = 2


def _static_files(settings: Any) -> tuple[str | None, str | None]:
    root = getattr(settings, "STATIC_ROOT", None)
    url = getattr(settings, "STATIC_URL", None)
    if not root or not url or not str(url).startswith("/") or not Path(root).is_dir():
        return None, None
    return str(url), str(Path(root).resolve())


def _limits(app: str | None, keep_alive: float | None) -> tuple[str, dict[str, Any], bool]:
    """The app import string, the server limits and whether the workers load the project settings."""
    from covet.conf.discovery import find_project
    from covet.server.config import ServerConfig

    location = find_project() if app is None else _optional_project()
    if location is None:
        if app is None:
            from covet.cli.project import require_project

            require_project()  # raises "no project here", with the hint
        config = ServerConfig.from_env(keep_alive_timeout=keep_alive)
        return str(app), {**config.to_dict(), "static_url": None, "static_root": None}, False

    from covet.cli.commands.runserver import project_app_import_string, server_config_from_settings
    from covet.cli.project import load_project
    from covet.conf import settings

    location = load_project(populate=False)
    import_string = app or project_app_import_string(location.settings_module)
    config = server_config_from_settings("127.0.0.1", 0)
    if keep_alive is not None:
        config = config.replace(keep_alive_timeout=keep_alive)
    static_url, static_root = _static_files(settings)
    return import_string, {**config.to_dict(), "static_url": static_url, "static_root": static_root}, True


def _access_log_default() -> bool:
    """Off unless COVET_ACCESS_LOG turns it on: the production default favours throughput."""
    from covet.server.config import ENV_VARIABLES

    raw = os.environ.get("COVET_ACCESS_LOG", "").strip()
    if not raw:
        return False
    parse = ENV_VARIABLES["COVET_ACCESS_LOG"][1]
    try:
        return bool(parse(raw))
    except ValueError:
        raise CommandError(f"COVET_ACCESS_LOG={raw!r} is not valid: expected true or false.") from None


def _optional_project() -> Any:
    from covet.conf.discovery import find_project
    from covet.exceptions import ImproperlyConfigured

    try:
        return find_project()
    except ImproperlyConfigured:
        return None


@click.command("serve")
@click.argument("app", required=False, metavar="[APP]")
@click.option("--prod", is_flag=True, help="Run the production server (required; use `covet runserver` to develop).")
@click.option("--bind", "binds", multiple=True, metavar="HOST:PORT", help="Address to listen on (repeatable).")
@click.option("--workers", default="1", show_default=True, metavar="N|auto", help="Worker processes.")
@click.option("--threads", default=1, show_default=True, help="Tokio I/O threads per worker.")
@click.option("--uds", metavar="PATH", help="Also listen on this Unix domain socket.")
@click.option("--certfile", type=click.Path(dir_okay=False), help="TLS certificate chain (PEM).")
@click.option("--keyfile", type=click.Path(dir_okay=False), help="TLS private key (PEM).")
@click.option("--http", "http_mode", type=click.Choice(["1", "2", "auto"]), default="auto", show_default=True)
@click.option("--backlog", default=1024, show_default=True, help="Listen backlog per worker.")
@click.option("--max-requests", default=0, help="Replace a worker after this many requests (0: never).")
@click.option("--timeout-keep-alive", type=float, help="Seconds an idle keep-alive connection stays open.")
@click.option("--access-log/--no-access-log", default=None, help="One line per request on stderr.")
def command(
    app: str | None,
    prod: bool,
    binds: tuple[str, ...],
    workers: str,
    threads: int,
    uds: str | None,
    certfile: str | None,
    keyfile: str | None,
    http_mode: str,
    backlog: int,
    max_requests: int,
    timeout_keep_alive: float | None,
    access_log: bool | None,
) -> None:
    """Serve APP (default: the project's asgi application) on the Rust production server."""
    if not prod:
        raise CommandError("`covet serve` runs the production server: add --prod (use `covet runserver` to develop).")
    from covet.server.prod import INSTALL_HINT, WorkerConfig, accel_available
    from covet.server.supervisor import Supervisor, SupervisorError, worker_count

    if not accel_available():
        click.echo(INSTALL_HINT, err=True)
        sys.exit(EXIT_NO_ACCEL)
    if bool(certfile) != bool(keyfile):
        raise CommandError("TLS needs both --certfile and --keyfile.")
    import_string, limits, use_settings = _limits(app, timeout_keep_alive)
    config = WorkerConfig(
        app=import_string,
        binds=binds or (() if uds else ("127.0.0.1:8000",)),
        threads=threads,
        backlog=backlog,
        http=http_mode,
        certfile=certfile,
        keyfile=keyfile,
        max_requests=max_requests,
        access_log=_access_log_default() if access_log is None else access_log,
        max_header_size=limits["max_header_size"],
        max_body_size=limits["max_body_size"],
        header_timeout=limits["header_timeout"],
        body_timeout=limits["body_timeout"],
        keep_alive_timeout=limits["keep_alive_timeout"],
        max_connections=limits["max_connections"],
        shutdown_timeout=limits["shutdown_timeout"],
        lifespan=limits["lifespan"],
        static_url=limits["static_url"],
        static_root=limits["static_root"],
        use_project_settings=use_settings,
    )
    try:
        supervisor = Supervisor(config, worker_count(workers), uds=uds)
        code = supervisor.run()
    except SupervisorError as exc:
        raise CommandError(str(exc)) from exc
    sys.exit(code)
