"""``model_to_dict``: a model instance as a JSON-compatible dict (for APIs, fixtures and the admin)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from covet.orm.relations.managers import PREFETCH_CACHE

if TYPE_CHECKING:
    from covet.orm.base import Model


def model_to_dict(
    instance: Model, *, fields: Iterable[str] | None = None, exclude: Iterable[str] = ()
) -> dict[str, Any]:
    """Loaded concrete fields by name (ForeignKeys as the related id, Decimal/date/UUID/bytes as JSON-friendly
    values); prefetched many-to-many relations as lists of ids. Deferred fields are left out."""
    wanted = set(fields) if fields is not None else None
    skipped = set(exclude)
    data: dict[str, Any] = {}
    values = instance.__dict__
    for field in instance._meta.local_fields:
        if field.name in skipped or (wanted is not None and field.name not in wanted):
            continue
        if field.attname in values:
            data[field.name] = field.to_serializable(values[field.attname])
    cache = values.get(PREFETCH_CACHE, {})
    for field in instance._meta.many_to_many:
        if field.name in skipped or (wanted is not None and field.name not in wanted) or field.name not in cache:
            continue
        data[field.name] = [obj.pk for obj in cache[field.name]]
    return data
