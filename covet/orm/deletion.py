"""``Collector``: deletes rows and applies every ``on_delete`` rule, in one transaction, the same on each backend.

It finds the rows pointing at the deleted ones (one query per relation and batch), cascades, blocks on
PROTECT/RESTRICT, rewrites SET_NULL/SET_DEFAULT/SET(...) columns, then deletes children before parents.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from covet.orm.exceptions import ProtectedError, RestrictedError
from covet.orm.execution import execute_write, fetch_all
from covet.orm.relations.on_delete import CASCADE, DO_NOTHING, PROTECT, RESTRICT
from covet.orm.signals import post_delete, pre_delete
from covet.orm.transactions import atomic

if TYPE_CHECKING:
    from covet.orm.base import Model
    from covet.orm.fields.related import ForeignKey

BATCH = 500


def _batches(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), BATCH):
        yield values[start : start + BATCH]


def _blocked_message(rule: str, fk: ForeignKey, count: int, blockers: Sequence[Any]) -> str:
    child = fk.model.__name__ if fk.model else "?"
    parent = fk.remote_model.__name__ if fk.remote_model else "?"
    examples = ", ".join(str(blocker) for blocker in blockers)
    return (
        f"Cannot delete {parent} object(s): {count} {child} row(s) point to them through the {rule} foreign key "
        f"{child}.{fk.name} (e.g. {examples})."
    )


class Collector:
    """Collect what deleting some rows implies, then ``await delete()`` it all atomically."""

    def __init__(self, using: str) -> None:
        self.using = using
        self.data: dict[type[Model], dict[Any, Model | None]] = {}
        self.field_updates: list[tuple[type[Model], ForeignKey, Any, list[Any]]] = []
        self.restricted: list[tuple[type[Model], ForeignKey, list[Any]]] = []

    @staticmethod
    def needs_collection(model: type[Model]) -> bool:
        """Whether deleting ``model`` rows involves more than one DELETE (relations or signal receivers)."""
        return bool(model._meta.related_objects) or pre_delete.has_receivers(model) or post_delete.has_receivers(model)

    async def collect(self, instances: Sequence[Model]) -> None:
        if not instances:
            return
        model = type(instances[0])
        await self.add(model, [obj.pk for obj in instances], {obj.pk: obj for obj in instances})

    async def add(self, model: type[Model], pks: Sequence[Any], instances: dict[Any, Model] | None = None) -> None:
        known = self.data.setdefault(model, {})
        new = [pk for pk in pks if pk not in known]
        if not new:
            return
        for pk in new:
            known[pk] = (instances or {}).get(pk)
        for relation in model._meta.related_objects:
            if relation.many_to_many:
                continue  # join rows belong to the through model, which has its own ForeignKeys
            await self._follow(relation.field, new)  # type: ignore[arg-type]

    async def _follow(self, fk: ForeignKey, parent_pks: list[Any]) -> None:
        rule = fk.on_delete
        if rule is DO_NOTHING:
            return
        child = fk.model
        assert child is not None and fk.target_field is not None
        targets = parent_pks
        if not fk.target_field.primary_key:
            parent = fk.remote_model
            assert parent is not None
            table = parent._meta.table
            rows = await fetch_all(
                self.using,
                sa.select(table.c[fk.target_field.column]).where(
                    table.c[parent._meta.pk.column].in_(parent_pks)  # type: ignore[union-attr]
                ),
            )
            targets = [row[0] for row in rows]
        child_table = child._meta.table
        child_pk = child_table.c[child._meta.pk.column]  # type: ignore[union-attr]
        child_pks: list[Any] = []
        for batch in _batches(targets):
            rows = await fetch_all(self.using, sa.select(child_pk).where(child_table.c[fk.column].in_(batch)))
            child_pks.extend(row[0] for row in rows)
        if not child_pks:
            return
        if rule is CASCADE:
            await self.add(child, child_pks)
        elif rule is PROTECT:
            blockers = await child._meta.default_manager.using(self.using).filter(pk__in=child_pks[:10])
            raise ProtectedError(
                _blocked_message("PROTECT", fk, len(child_pks), blockers) + " Delete or re-point those first.", blockers
            )
        elif rule is RESTRICT:
            self.restricted.append((child, fk, child_pks))
        else:
            self.field_updates.append((child, fk, rule.replacement(fk), child_pks))

    async def _check_restricted(self) -> None:
        for child, fk, child_pks in self.restricted:
            doomed = self.data.get(child, {})
            survivors = [pk for pk in child_pks if pk not in doomed]
            if survivors:
                blockers = await child._meta.default_manager.using(self.using).filter(pk__in=survivors[:10])
                raise RestrictedError(_blocked_message("RESTRICT", fk, len(survivors), blockers), blockers)

    async def _load_instances(self, model: type[Model]) -> list[Model]:
        rows = self.data[model]
        missing = [pk for pk, obj in rows.items() if obj is None]
        for batch in _batches(missing):
            for obj in await model._meta.default_manager.using(self.using).filter(pk__in=list(batch)):
                rows[obj.pk] = obj
        return [obj for obj in rows.values() if obj is not None]

    async def delete(self) -> tuple[int, dict[str, int]]:
        counts: dict[str, int] = {}
        async with atomic(self.using):
            await self._check_restricted()
            signalled: dict[type[Model], list[Model]] = {}
            for model in self.data:
                if pre_delete.has_receivers(model) or post_delete.has_receivers(model):
                    signalled[model] = await self._load_instances(model)
                    for obj in signalled[model]:
                        await pre_delete.send(model, instance=obj, using=self.using)
            for child, fk, value, child_pks in self.field_updates:
                doomed = self.data.get(child, {})
                keep = [pk for pk in child_pks if pk not in doomed]
                table = child._meta.table
                pk_column = table.c[child._meta.pk.column]  # type: ignore[union-attr]
                for batch in _batches(keep):
                    await execute_write(
                        self.using,
                        table.update().where(pk_column.in_(batch)).values({fk.column: fk.value_for_save(value)}),
                    )
            for model in reversed(list(self.data)):
                table = model._meta.table
                pk_column = table.c[model._meta.pk.column]  # type: ignore[union-attr]
                deleted = 0
                for batch in _batches(list(self.data[model])):
                    deleted += (await execute_write(self.using, table.delete().where(pk_column.in_(batch)))).rowcount
                if deleted:
                    counts[model._meta.label] = counts.get(model._meta.label, 0) + deleted
            for model, instances in signalled.items():
                for obj in instances:
                    await post_delete.send(model, instance=obj, using=self.using)
        return sum(counts.values()), counts
