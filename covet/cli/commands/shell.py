"""``covet shell``: an interactive shell with the project loaded (IPython if installed, else an async REPL).

``covet shell -c CODE`` runs one snippet (top-level ``await`` allowed) and exits; an exception prints
its traceback and exits with status 1.
"""

from __future__ import annotations

import asyncio
import importlib.util
import sys
import traceback
from typing import Any

import click

from covet import __version__
from covet.cli.asyncrepl import interact, run_snippet
from covet.cli.project import load_project


def shell_namespace() -> dict[str, Any]:
    """What the shell starts with: settings, the app registry, asyncio and every registered model."""
    from covet.conf import settings
    from covet.conf.apps import apps

    namespace: dict[str, Any] = {"__name__": "__main__", "asyncio": asyncio, "settings": settings, "apps": apps}
    for model in apps.get_models():
        namespace.setdefault(model.__name__, model)
    return namespace


def _start_ipython(namespace: dict[str, Any]) -> None:
    from IPython import start_ipython

    start_ipython(argv=["--no-banner"], user_ns=namespace)


@click.command("shell")
@click.option("-c", "--command", "code", metavar="CODE", help="Run CODE (top-level await allowed) and exit.")
@click.option(
    "-i",
    "--interface",
    type=click.Choice(["auto", "ipython", "python"]),
    default="auto",
    show_default=True,
    help="Which interactive shell to start.",
)
def command(code: str | None, interface: str) -> Any:
    """Start a Python shell with the project's settings and apps loaded."""
    location = load_project()
    namespace = shell_namespace()
    if code is not None:
        try:
            return run_snippet(code, namespace)
        except Exception:
            traceback.print_exc()
            raise click.exceptions.Exit(1) from None
    use_ipython = interface == "ipython" or (interface == "auto" and importlib.util.find_spec("IPython") is not None)
    if use_ipython:
        _start_ipython(namespace)
        return None
    names = ", ".join(sorted(name for name in namespace if not name.startswith("__")))
    banner = (
        f"Covet {__version__} shell, Python {sys.version.split()[0]}, project {location.settings_module}\n"
        f"Top-level await works. Loaded: {names}. Ctrl+D to exit."
    )
    interact(namespace, banner)
    return None
