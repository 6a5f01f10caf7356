"""Saving one instance (INSERT or UPDATE with ``update_fields``) and checking unique constraints for full_clean()."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from covet.orm.direct import insert_row
from covet.orm.exceptions import DatabaseError, FieldError
from covet.orm.execution import execute_write
from covet.orm.signals import post_save, pre_save

if TYPE_CHECKING:
    from covet.orm.base import Model


def _check_update_fields(model: type[Model], names: set[str]) -> None:
    valid = {f.name for f in model._meta.local_fields} | {f.attname for f in model._meta.local_fields}
    unknown = sorted(names - valid)
    if unknown:
        raise FieldError(
            f"save(update_fields=...) names unknown field(s) of {model.__name__}: {', '.join(unknown)}. "
            f"Choices are: {', '.join(sorted(f.name for f in model._meta.local_fields))}."
        )


def collect_values(instance: Model, adding: bool, names: set[str] | None) -> dict[str, Any]:
    """column -> value to write, coerced and checked (ValidationError before any SQL); updates the instance."""
    values: dict[str, Any] = {}
    state = instance.__dict__
    for field, attname, column, plain, ready_types, limited, auto_pk in instance._meta.save_plan():
        if names is not None and field.name not in names and attname not in names:
            continue
        value = state.get(attname) if plain else field.pre_save(instance, adding)
        if value is None:
            if auto_pk:
                continue
            value = field.value_for_save(value)
        elif limited or type(value) not in ready_types:
            value = field.value_for_save(value)
        state[attname] = value
        values[column] = value
    return values


async def save_instance(
    instance: Model, *, using: str | None, update_fields: Iterable[str] | None, force_insert: bool
) -> None:
    model = type(instance)
    meta = model._meta
    db = using or instance._db or "default"
    adding = force_insert or instance._db is None
    names: set[str] | None = None
    if update_fields is not None:
        names = set(update_fields)
        if not names:
            return
        if adding:
            raise ValueError(f"save(update_fields=...) needs a saved {model.__name__}; this one isn't saved yet.")
        _check_update_fields(model, names)
    if pre_save.has_receivers(model):
        await pre_save.send(
            model, instance=instance, using=db, update_fields=frozenset(names) if names is not None else None
        )
    values = collect_values(instance, adding, names)
    table = meta.table
    pk = meta.pk
    assert pk is not None
    if not adding:
        changes = {column: value for column, value in values.items() if column != pk.column}
        updated = True
        if changes:
            statement = table.update().where(table.c[pk.column] == instance.pk).values(changes)
            updated = (await execute_write(db, statement)).rowcount > 0
        if not updated:
            if names is not None:
                raise DatabaseError(f"save(update_fields=...) matched no {model.__name__} row with pk={instance.pk!r}.")
            adding = True
            values = collect_values(instance, adding, None)
    if adding:
        key = await insert_row(db, table, values, pk.column)
        if pk.column not in values:
            instance.__dict__[pk.attname] = key
    instance.__dict__["_db"] = db
    if post_save.has_receivers(model):
        await post_save.send(
            model,
            instance=instance,
            created=adding,
            using=db,
            update_fields=frozenset(names) if names is not None else None,
        )


async def unique_errors(instance: Model, exclude: set[str], db: str) -> dict[str, list[str]]:
    """Messages for unique fields and unique_together sets that another row already uses."""
    meta = instance._meta
    checks: list[tuple[str, ...]] = [(f.name,) for f in meta.local_fields if f.unique and not f.primary_key]
    checks += list(meta.unique_together)
    checks += [tuple(c.fields) for c in meta.constraints if type(c).__name__ == "UniqueConstraint"]
    errors: dict[str, list[str]] = {}
    for names in checks:
        if exclude.intersection(names):
            continue
        lookup = {}
        for name in names:
            field = meta.get_field(name)
            lookup[field.attname] = instance.__dict__.get(field.attname)
        if any(value is None for value in lookup.values()):
            continue
        queryset = meta.default_manager.using(db).filter(**lookup)
        if instance.pk is not None:
            queryset = queryset.exclude(pk=instance.pk)
        if await queryset.exists():
            labels = " and ".join(
                meta.get_field(n).verbose_name.capitalize() if i == 0 else meta.get_field(n).verbose_name
                for i, n in enumerate(names)
            )
            key = names[0] if len(names) == 1 else "__all__"
            errors.setdefault(key, []).append(f"{meta.verbose_name.capitalize()} with this {labels} already exists.")
    return errors
