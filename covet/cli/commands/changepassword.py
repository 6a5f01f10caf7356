"""``covet changepassword [USERNAME]``: set a user's password (asked twice, hidden, validated)."""

from __future__ import annotations

import asyncio
import getpass
from typing import Any

import click

from covet.cli.commands.createsuperuser import prompt_new_password, run_account_task
from covet.cli.console import stdout


@click.command("changepassword")
@click.argument("username", required=False)
@click.option("--database", default="default", show_default=True, help="The alias in settings.DATABASES.")
def command(username: str | None, database: str) -> Any:
    """Change USERNAME's password (default: your login name). Their other sessions end."""
    name = username or getpass.getuser()

    async def work() -> Any:
        from covet.auth.accounts import change_password, find_user

        user = await find_user(name, using=database)
        click.echo(f"Changing the password of {name!r}.", err=True)
        password = await asyncio.to_thread(prompt_new_password, user)
        await change_password(user, password)
        return user

    user = run_account_task(work)
    stdout().print(f"[green]Password of {user.username!r} changed.[/]")
    return user
