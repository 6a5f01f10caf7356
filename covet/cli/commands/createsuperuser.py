"""``covet createsuperuser``: create an admin account, interactively or from environment variables (``--noinput``)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click

from covet.cli.console import stdout
from covet.cli.errors import CommandError
from covet.cli.project import load_project

T = TypeVar("T")

ENV_USERNAME = "COVET_SUPERUSER_USERNAME"
ENV_EMAIL = "COVET_SUPERUSER_EMAIL"
ENV_PASSWORD = "COVET_SUPERUSER_PASSWORD"


def run_account_task(work: Callable[[], Awaitable[T]]) -> T:
    """Run ``work`` on the project's database; account errors and missing tables become one-line failures."""
    load_project()
    from covet.auth.accounts import AccountError
    from covet.orm import DatabaseError, close_all

    async def main() -> T:
        try:
            return await work()
        finally:
            await close_all()

    try:
        return asyncio.run(main())
    except AccountError as exc:
        raise CommandError(str(exc)) from exc
    except DatabaseError as exc:
        raise CommandError(
            f"The database is not ready ({exc.__class__.__name__}): is 'covet.auth' in INSTALLED_APPS and has "
            "`covet migrate` been run?"
        ) from exc


def prompt_new_password(user: Any) -> str:
    """Ask twice (hidden) until the password matches and passes the validators; three tries."""
    from covet.auth.accounts import password_problems

    for _attempt in range(3):
        password = click.prompt("Password", hide_input=True, err=True)
        if password != click.prompt("Password (again)", hide_input=True, err=True):
            click.echo("The passwords do not match.", err=True)
            continue
        problems = password_problems(password, user)
        if not problems:
            return str(password)
        for problem in problems:
            click.echo(problem, err=True)
    raise CommandError("No acceptable password after 3 attempts; nothing was changed.")


@click.command("createsuperuser")
@click.option("--username", help="Username (asked for unless given).")
@click.option("--email", help="Email address (asked for unless given).")
@click.option(
    "--noinput",
    "--no-input",
    "no_input",
    is_flag=True,
    help=f"Ask nothing: read {ENV_USERNAME}, {ENV_EMAIL} and {ENV_PASSWORD} (options override).",
)
@click.option("--database", default="default", show_default=True, help="The alias in settings.DATABASES.")
def command(username: str | None, email: str | None, no_input: bool, database: str) -> Any:
    """Create a superuser (staff, every permission) who can sign in to the admin."""
    if no_input:
        username = username or os.environ.get(ENV_USERNAME)
        email = email if email is not None else os.environ.get(ENV_EMAIL, "")
        password = os.environ.get(ENV_PASSWORD)
        missing = [name for name, value in ((ENV_USERNAME, username), (ENV_PASSWORD, password)) if not value]
        if missing:
            raise CommandError(f"--noinput needs {' and '.join(missing)} in the environment; nothing was created.")
    else:
        username = username or click.prompt("Username", err=True)
        email = email if email is not None else click.prompt("Email address", default="", err=True)
        password = None

    async def work() -> Any:
        from covet.auth.accounts import create_superuser
        from covet.auth.models import get_user_model

        chosen = password
        if chosen is None:
            chosen = await asyncio.to_thread(prompt_new_password, get_user_model()(username=username, email=email))
        return await create_superuser(str(username), str(email or ""), chosen, using=database)

    user = run_account_task(work)
    stdout().print(f"[green]Superuser {user.username!r} created.[/]")
    return user
