"""Turning result rows into model instances, dicts, tuples or single values — the per-row hot path.

Instances are built with ``cls.__new__`` and one ``__dict__`` update per row: no ``__init__``, no
descriptors, no per-field conversion beyond what the column types already did.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from covet.orm.base import Model
    from covet.orm.query.compiler import SelectPlan


def build_instances(model: type[Model], rows: Sequence[Any], plan: SelectPlan, db: str) -> list[Any]:
    attnames = plan.attnames
    width = len(attnames)
    new = object.__new__
    if not plan.related and not plan.annotation_names:
        instances: list[Any] = []
        append = instances.append
        for row in rows:
            instance = new(model)
            instance.__dict__.update(zip(attnames, row, strict=False), _db=db)
            append(instance)
        return instances
    return [_build_with_extras(model, row, plan, db, width) for row in rows]


def _build_with_extras(model: type[Model], row: Any, plan: SelectPlan, db: str, width: int) -> Any:
    instance = model.__new__(model)
    values = instance.__dict__
    values.update(zip(plan.attnames, row[:width], strict=True))
    values["_db"] = db
    built: list[Any] = []
    for selection in plan.related:
        chunk = row[selection.start : selection.start + len(selection.attnames)]
        parent = instance if selection.parent < 0 else built[selection.parent]
        related = None
        if parent is not None and chunk[selection.pk_offset] is not None:
            related = selection.model.__new__(selection.model)
            related_values = related.__dict__
            related_values.update(zip(selection.attnames, chunk, strict=True))
            related_values["_db"] = db
        if parent is not None:
            parent.__dict__[selection.cache_name] = related
        built.append(related)
    if plan.annotation_names:
        start = len(row) - len(plan.annotation_names)
        values.update(zip(plan.annotation_names, row[start:], strict=True))
    return instance


def build_dicts(rows: Sequence[Any], names: Sequence[str]) -> list[dict[str, Any]]:
    return [dict(zip(names, row, strict=True)) for row in rows]


def build_tuples(rows: Sequence[Any]) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in rows]


def build_flat(rows: Sequence[Any]) -> list[Any]:
    return [row[0] for row in rows]


def build_named(rows: Sequence[Any], names: Sequence[str]) -> list[Any]:
    row_type = namedtuple("Row", names)  # type: ignore[misc]
    return [row_type(*row) for row in rows]
