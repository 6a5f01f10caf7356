"""The one SQLAlchemy ``MetaData`` holding every model's Table, and resolution of lazy "app.Model" references.

Migrations (Alembic autogenerate) compare against ``metadata``; its naming convention gives every index and
constraint a stable name, so autogenerate can detect and drop them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

if TYPE_CHECKING:
    from covet.orm.base import Model

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

_models: dict[str, type[Model]] = {}
_pending: dict[str, list[Callable[[type[Model]], None]]] = {}


def model_key(app_label: str, model_name: str) -> str:
    return f"{app_label}.{model_name}".lower()


def register_model(model: type[Model]) -> None:
    """Record ``model`` under "app_label.modelname" and run the callbacks that were waiting for it."""
    meta = model._meta
    key = model_key(meta.app_label, meta.model_name)
    _models[key] = model
    for callback in _pending.pop(key, []):
        callback(model)


def get_registered_model(label: str) -> type[Model] | None:
    """The model registered as "app_label.ModelName" (case-insensitive), or None."""
    return _models.get(label.lower())


def all_models() -> list[type[Model]]:
    return list(_models.values())


def resolve_reference(reference: str | type[Model], from_model: type[Model]) -> str | type[Model]:
    """Turn "self", "Model" or "app.Model" into a model class if it's loaded, else into its registry key."""
    if not isinstance(reference, str):
        return reference
    if reference == "self":
        return from_model
    label = reference if "." in reference else f"{from_model._meta.app_label}.{reference}"
    return _models.get(label.lower(), label.lower())


def when_model_ready(reference: str | type[Model], from_model: type[Model], callback: Callable[[Any], None]) -> None:
    """Call ``callback(model)`` now if ``reference`` is loaded, else as soon as that model is defined."""
    resolved = resolve_reference(reference, from_model)
    if isinstance(resolved, str):
        _pending.setdefault(resolved, []).append(callback)
    else:
        callback(resolved)


def unresolved_references() -> list[str]:
    """Registry keys that some relation points to but no model defines yet."""
    return sorted(_pending)
