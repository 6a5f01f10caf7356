"""The default permissions: ``view_``, ``add_``, ``change_`` and ``delete_<model>`` for every installed model.

``create_permissions()`` adds the missing ones (existing rows are left alone); run it after
``covet migrate`` (``await create_permissions()`` from ``covet shell -c``, or a deploy script).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

DEFAULT_ACTIONS = ("view", "add", "change", "delete")


def default_permissions(model: Any) -> list[tuple[str, str, str]]:
    """``(app_label, codename, name)`` of a model's default permissions."""
    meta = model._meta
    return [
        (meta.app_label, f"{action}_{meta.model_name}", f"Can {action} {meta.verbose_name}")
        for action in DEFAULT_ACTIONS
    ]


async def create_permissions(models: Iterable[Any] | None = None, *, using: str = "default") -> int:
    """Create the default permissions of ``models`` (default: every registered model); return how many were new."""
    from covet.auth.models import Permission
    from covet.conf.apps import apps

    wanted = [
        perm for model in (apps.get_models() if models is None else models) for perm in default_permissions(model)
    ]
    existing = set(await Permission.objects.using(using).values_list("app_label", "codename"))
    missing = [
        Permission(app_label=app_label, codename=codename, name=name)
        for app_label, codename, name in wanted
        if (app_label, codename) not in existing
    ]
    if missing:
        await Permission.objects.using(using).bulk_create(missing)
    return len(missing)
