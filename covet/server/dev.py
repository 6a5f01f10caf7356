"""Public entry of the dev server: ``run()`` and ``python -m covet.server.dev --app module:attr``.

``run`` serves any ASGI 3 app (an object or a ``"module:attr"`` string) until
SIGINT/SIGTERM; with ``reload=True`` a supervising process restarts the server
whenever project files change. Settings not given as arguments come from
``ServerConfig.from_env()`` (the ``COVET_*`` variables, see docs/dev-server.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from covet.server.access_log import configure_logging
from covet.server.config import ServerConfig
from covet.server.importer import AppImportError, import_app
from covet.server.reload import ReloadSupervisor, stop_when_parent_exits
from covet.server.server import Server
from covet.types import ASGIApp

logger = logging.getLogger("covet.server")

# Exit code when the app cannot be imported or the address cannot be bound.
STARTUP_ERROR_EXIT_CODE = 1


def run(
    app_or_import_string: ASGIApp | str,
    host: str | None = None,
    port: int | None = None,
    *,
    reload: bool = False,
    config: ServerConfig | None = None,
) -> None:
    """Serve until stopped. ``host``/``port`` override ``config`` (default 127.0.0.1:8000; port 0 picks a free one).

    Returns normally after a clean shutdown; raises ``SystemExit`` with a nonzero
    code when the app cannot be imported, the address is taken or the lifespan fails.
    """
    if reload and not isinstance(app_or_import_string, str):
        raise ValueError(
            "reload=True needs the app as an import string such as 'mysite.asgi:application', "
            "so that each restarted process can import the new code."
        )
    base = config if config is not None else ServerConfig.from_env()
    config = base.replace(**{key: value for key, value in (("host", host), ("port", port)) if value is not None})
    configure_logging()
    if isinstance(app_or_import_string, str) and reload:
        code = _run_supervisor(app_or_import_string, config)
    else:
        code = _run_server(app_or_import_string, config)
    if code:
        raise SystemExit(code)


def _run_server(app_or_import_string: ASGIApp | str, config: ServerConfig) -> int:
    try:
        app = import_app(app_or_import_string) if isinstance(app_or_import_string, str) else app_or_import_string
    except AppImportError as exc:
        logger.error("%s", exc)
        return STARTUP_ERROR_EXIT_CODE
    try:
        return asyncio.run(Server(app, config).serve())
    except OSError as exc:
        return _address_unavailable(config, exc)


def _run_supervisor(import_string: str, config: ServerConfig) -> int:
    try:
        return ReloadSupervisor(import_string, config, Path.cwd()).run()
    except OSError as exc:
        return _address_unavailable(config, exc)


def _address_unavailable(config: ServerConfig, exc: OSError) -> int:
    logger.error(
        "Could not listen on %s:%s: %s. Choose another port or stop the other server.",
        config.host,
        config.port,
        os.strerror(exc.errno) if exc.errno else exc,
    )
    return STARTUP_ERROR_EXIT_CODE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m covet.server.dev", description="Covet's development server.")
    parser.add_argument("app_positional", nargs="?", metavar="APP", help="ASGI app as module:attribute")
    parser.add_argument("--app", help="ASGI app as module:attribute (same as APP)")
    parser.add_argument("--host", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to bind (default 8000; 0 picks a free port)")
    parser.add_argument("--reload", action="store_true", help="restart when .py/.html/.toml files change")
    parser.add_argument("--no-access-log", action="store_true", help="do not log one line per request")
    parser.add_argument("--lifespan", choices=("auto", "on", "off"), help="ASGI lifespan handling (default auto)")
    parser.add_argument("--log-level", default="info", choices=("debug", "info", "warning", "error"))
    # Used by the autoreload supervisor to hand its socket and settings to the child process.
    parser.add_argument("--fd", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--config-json", help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    import_string = args.app or args.app_positional
    if not import_string:
        parser.error("give the app to serve, e.g. --app mysite.asgi:application")
    configure_logging(getattr(logging, args.log_level.upper()))
    try:
        overrides = json.loads(args.config_json) if args.config_json else {}
        config = ServerConfig.from_env(**overrides).replace(
            **{
                key: value
                for key, value in (
                    ("host", args.host),
                    ("port", args.port),
                    ("fd", args.fd),
                    ("lifespan", args.lifespan),
                    ("access_log", False if args.no_access_log else None),
                )
                if value is not None
            }
        )
    except ValueError as exc:
        parser.error(str(exc))
    if args.fd is not None:
        stop_when_parent_exits()
    try:
        run(import_string, reload=args.reload and args.fd is None, config=config)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
