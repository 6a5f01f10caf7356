"""``post_migrate``: async callbacks run after ``covet migrate`` brought a database up to date.

Apps connect to it in their ``AppConfig.ready()`` to create the rows their schema needs (the auth app creates
the default permissions of every model). A callback receives the database alias and the steps that ran.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .commands import AppliedStep

PostMigrateCallback = Callable[[str, Sequence["AppliedStep"]], Awaitable[None]]

_callbacks: list[PostMigrateCallback] = []


def connect_post_migrate(callback: PostMigrateCallback) -> None:
    """Run ``callback(using, steps)`` after every successful ``covet migrate`` (once, however often connected)."""
    if callback not in _callbacks:
        _callbacks.append(callback)


async def send_post_migrate(using: str, steps: Sequence[AppliedStep]) -> None:
    """Run the connected callbacks in the order they were connected."""
    for callback in list(_callbacks):
        await callback(using, steps)
