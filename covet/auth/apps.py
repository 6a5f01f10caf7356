"""The ``covet.auth`` app: users, groups and permissions (add ``"covet.auth"`` to INSTALLED_APPS)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from covet.conf.apps import AppConfig


class AuthConfig(AppConfig):
    name = "covet.auth"
    label = "auth"
    verbose_name = "Authentication and authorization"

    def ready(self) -> None:
        from covet.migrations.signals import connect_post_migrate

        connect_post_migrate(create_default_permissions)


async def create_default_permissions(using: str, steps: Sequence[Any]) -> None:
    """After ``covet migrate``: the view/add/change/delete permissions of every model, once auth's table exists."""
    import sqlalchemy as sa

    from covet.auth.models import Permission
    from covet.auth.permissions import create_permissions
    from covet.orm.connections import get_engine

    table = Permission._meta.db_table
    async with get_engine(using).connect() as connection:
        exists = await connection.run_sync(lambda sync: sa.inspect(sync).has_table(table))
    if exists:
        await create_permissions(using=using)
