"""``prefetch_related``: load a relation for many instances with one query per relation (no N+1).

Forward ForeignKeys fill the same cache select_related uses; reverse ForeignKeys and many-to-many
relations fill ``instance._prefetched[accessor]``, which ``instance.<accessor>.all()`` returns without a query.
Nested paths (``"books__publisher"``) continue from the objects loaded at each step.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from covet.orm.exceptions import FieldError
from covet.orm.execution import fetch_all
from covet.orm.fields.related import ForeignKey, ForeignObjectRel, ManyToManyField
from covet.orm.query.compiler import SQLCompiler
from covet.orm.query.lookups import LOOKUP_SEP
from covet.orm.query.results import build_instances
from covet.orm.relations.managers import PREFETCH_CACHE

if TYPE_CHECKING:
    from covet.orm.base import Model
    from covet.orm.queryset import QuerySet


class Prefetch:
    """``Prefetch("books", queryset=Book.objects.filter(published=True), to_attr="published_books")``."""

    def __init__(self, lookup: str, queryset: QuerySet[Any] | None = None, to_attr: str | None = None) -> None:
        self.lookup = lookup
        self.queryset = queryset
        self.to_attr = to_attr


async def prefetch_related_objects(instances: Sequence[Model], lookups: Iterable[str | Prefetch]) -> None:
    for lookup in lookups:
        spec = lookup if isinstance(lookup, Prefetch) else Prefetch(lookup)
        parts = spec.lookup.split(LOOKUP_SEP)
        level: list[Any] = list(instances)
        for index, name in enumerate(parts):
            level = [obj for obj in level if obj is not None]
            if not level:
                break
            last = index == len(parts) - 1
            relation = _relation(type(level[0]), name, spec.lookup)
            cached = None if last else _already_loaded(level, relation)
            if cached is not None:
                level = cached
                continue
            level = await _prefetch_one(
                level, relation, spec.queryset if last else None, spec.to_attr if last else None
            )


def _relation(model: type[Model], name: str, lookup: str) -> Any:
    try:
        relation = model._meta.get_field(name)
    except FieldError:
        relation = None
    if relation is None or not getattr(relation, "is_relation", False):
        names = [f.name for f in model._meta.get_fields() if getattr(f, "is_relation", False)]
        raise FieldError(
            f"Cannot prefetch {lookup!r}: {model.__name__} has no relation named {name!r}. "
            f"Choices are: {', '.join(sorted(names)) or '(none)'}."
        )
    return relation


def _accessor(relation: Any) -> str:
    return relation.accessor_name if isinstance(relation, ForeignObjectRel) else relation.name


def _already_loaded(level: list[Any], relation: Any) -> list[Any] | None:
    """Objects a relation already holds on every instance (loaded by select_related or an earlier prefetch)."""
    found: list[Any] = []
    for obj in level:
        if isinstance(relation, ForeignKey):
            if relation.cache_name not in obj.__dict__:
                return None
            found.append(obj.__dict__[relation.cache_name])
        else:
            cache = obj.__dict__.get(PREFETCH_CACHE, {})
            if _accessor(relation) not in cache:
                return None
            found.extend(cache[_accessor(relation)])
    return found


def _base_queryset(model: type[Model], queryset: QuerySet[Any] | None, db: str) -> QuerySet[Any]:
    if queryset is None:
        return model._meta.default_manager.get_queryset().using(db)
    if queryset.model is not model:
        raise TypeError(f"Prefetch queryset must be of {model.__name__}, not {queryset.model.__name__}.")
    return queryset if queryset._db else queryset.using(db)


def _store(obj: Any, name: str, to_attr: str | None, values: list[Any]) -> None:
    if to_attr:
        obj.__dict__[to_attr] = values
    else:
        obj.__dict__.setdefault(PREFETCH_CACHE, {})[name] = values


async def _prefetch_one(
    level: list[Any], relation: Any, queryset: QuerySet[Any] | None, to_attr: str | None
) -> list[Any]:
    db = level[0]._db or "default"
    if isinstance(relation, ForeignKey):
        return await _prefetch_forward(level, relation, queryset, to_attr, db)
    if isinstance(relation, ManyToManyField):
        return await _prefetch_many(level, relation, reverse=False, queryset=queryset, to_attr=to_attr, db=db)
    if relation.many_to_many:
        return await _prefetch_many(level, relation.field, reverse=True, queryset=queryset, to_attr=to_attr, db=db)
    return await _prefetch_reverse(level, relation, queryset, to_attr, db)


async def _prefetch_forward(
    level: list[Any], fk: ForeignKey, queryset: QuerySet[Any] | None, to_attr: str | None, db: str
) -> list[Any]:
    assert fk.remote_model is not None
    target = fk._target()
    values = {obj.__dict__.get(fk.attname) for obj in level} - {None}
    targets: list[Any] = []
    if values:
        targets = await _base_queryset(fk.remote_model, queryset, db).filter(**{f"{target.attname}__in": list(values)})
    by_value = {obj.__dict__[target.attname]: obj for obj in targets}
    for obj in level:
        related = by_value.get(obj.__dict__.get(fk.attname))
        obj.__dict__[to_attr or fk.cache_name] = related
    return targets


async def _prefetch_reverse(
    level: list[Any], relation: ForeignObjectRel, queryset: QuerySet[Any] | None, to_attr: str | None, db: str
) -> list[Any]:
    fk: Any = relation.field
    target = fk._target()
    values = [obj.__dict__.get(target.attname) for obj in level]
    children: list[Any] = await _base_queryset(relation.model, queryset, db).filter(
        **{f"{fk.attname}__in": [v for v in values if v is not None]}
    )
    groups: dict[Any, list[Any]] = defaultdict(list)
    for child in children:
        groups[child.__dict__[fk.attname]].append(child)
    for obj in level:
        group = groups.get(obj.__dict__.get(target.attname), [])
        for child in group:
            child.__dict__[fk.cache_name] = obj
        if relation.one_to_one:
            obj.__dict__[to_attr or f"_cache_{relation.accessor_name}"] = group[0] if group else None
        else:
            _store(obj, relation.accessor_name, to_attr, group)
    return children


async def _prefetch_many(
    level: list[Any],
    field: ManyToManyField,
    *,
    reverse: bool,
    queryset: QuerySet[Any] | None,
    to_attr: str | None,
    db: str,
) -> list[Any]:
    through, source, target = field.ready_through()
    from_fk, to_fk = (target, source) if reverse else (source, target)
    model = field.model if reverse else field.remote_model
    assert model is not None and from_fk.target_field is not None and to_fk.target_field is not None
    name = field.remote_rel.accessor_name if reverse and field.remote_rel else field.name
    keys = [obj.__dict__.get(from_fk.target_field.attname) for obj in level]
    base = _base_queryset(model, queryset, db)
    statement, plan = SQLCompiler(base.query).compile_select()
    link = through._meta.table.alias()
    table = model._meta.table
    statement = (
        statement.add_columns(link.c[from_fk.column])
        .join(link, link.c[to_fk.column] == table.c[to_fk.target_field.column])
        .where(link.c[from_fk.column].in_([k for k in keys if k is not None]))
    )
    rows = await fetch_all(db, statement)
    objects = build_instances(model, [row[:-1] for row in rows], plan, db)
    groups: dict[Any, list[Any]] = defaultdict(list)
    for row, obj in zip(rows, objects, strict=True):
        groups[row[-1]].append(obj)
    for obj, key in zip(level, keys, strict=True):
        _store(obj, name, to_attr, groups.get(key, []))
    return objects
