"""Managers for the "many" side of relations: ``author.posts`` (reverse ForeignKey) and ``post.tags`` (M2M)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from covet.orm.manager import Manager
from covet.orm.queryset import QuerySet
from covet.orm.transactions import atomic

if TYPE_CHECKING:
    from covet.orm.base import Model
    from covet.orm.fields.related import ForeignObjectRel, ManyToManyField

PREFETCH_CACHE = "_prefetched"


def prefetched(instance: Model, name: str) -> list[Any] | None:
    return instance.__dict__.get(PREFETCH_CACHE, {}).get(name)


def _require_saved(instance: Model, name: str) -> Any:
    if instance.pk is None:
        raise ValueError(f"{type(instance).__name__} needs to be saved before {name!r} can be used.")
    return instance.pk


class _RelatedManager(Manager[Any]):
    accessor = ""

    def __init__(self, instance: Model, model: type[Model]) -> None:
        super().__init__()
        self.instance = instance
        self.model = model
        self.target: type[Model] = model
        self.name = self.accessor
        self._db = instance._db

    def base_queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

    def all(self) -> QuerySet[Any]:
        """The related objects (already loaded ones when the relation was prefetched)."""
        return self.get_queryset()

    def get_queryset(self) -> QuerySet[Any]:
        queryset = self.base_queryset()
        cached = prefetched(self.instance, self.accessor)
        if cached is not None:
            queryset._result_cache = list(cached)
        return queryset


class ReverseManyManager(_RelatedManager):
    """``author.posts``: the objects whose ForeignKey points at ``author``."""

    def __init__(self, instance: Model, relation: ForeignObjectRel) -> None:
        self.relation = relation
        self.accessor = relation.accessor_name
        super().__init__(instance, relation.model)
        self.fk: Any = relation.field

    def _value(self) -> Any:
        _require_saved(self.instance, self.accessor)
        return self.instance.__dict__.get(self.fk._target().attname)

    def base_queryset(self) -> QuerySet[Any]:
        manager = self.target._meta.default_manager
        return manager.get_queryset().using(self.instance._db or "default").filter(**{self.fk.attname: self._value()})

    async def create(self, **kwargs: Any) -> Any:
        kwargs[self.fk.name] = self.instance
        return await self.target._meta.default_manager.using(self.instance._db or "default").create(**kwargs)

    async def add(self, *objs: Model) -> None:
        """Point saved ``objs`` at this instance (one UPDATE)."""
        value = self._value()
        pks = []
        for obj in objs:
            if not isinstance(obj, self.target):
                raise TypeError(f"{self.accessor}.add() expects {self.target.__name__} objects, got {obj!r}.")
            pks.append(_require_saved(obj, self.accessor))
            obj.__dict__[self.fk.attname] = value
            obj.__dict__[self.fk.cache_name] = self.instance
        if pks:
            await (
                self.target._meta.default_manager.using(self.instance._db or "default")
                .filter(pk__in=pks)
                .update(**{self.fk.attname: value})
            )

    def _require_nullable(self, method: str) -> None:
        if not self.fk.null:
            raise TypeError(
                f"{self.accessor}.{method}() would set {self.target.__name__}.{self.fk.name} to NULL, but that field "
                f"isn't null=True; delete the objects instead."
            )

    async def remove(self, *objs: Model) -> None:
        self._require_nullable("remove")
        pks = [_require_saved(obj, self.accessor) for obj in objs]
        await self.base_queryset().filter(pk__in=pks).update(**{self.fk.attname: None})
        for obj in objs:
            obj.__dict__[self.fk.attname] = None

    async def clear(self) -> None:
        self._require_nullable("clear")
        await self.base_queryset().update(**{self.fk.attname: None})

    async def set(self, objs: Iterable[Model]) -> None:
        wanted = list(objs)
        self._require_nullable("set")
        async with atomic(self.instance._db or "default"):
            keep = [obj.pk for obj in wanted]
            await self.base_queryset().exclude(pk__in=keep).update(**{self.fk.attname: None})
            await self.add(*wanted)


class ManyRelatedManager(_RelatedManager):
    """``post.tags`` (or ``tag.post_set``): objects linked through the join table."""

    def __init__(self, instance: Model, field: ManyToManyField, *, reverse: bool) -> None:
        through, source, target = field.ready_through()
        self.through = through
        self.from_fk, self.to_fk = (target, source) if reverse else (source, target)
        self.accessor = field.remote_rel.accessor_name if reverse and field.remote_rel else field.name
        model = field.model if reverse else field.remote_model
        assert model is not None
        super().__init__(instance, model)

    @property
    def _db_alias(self) -> str:
        return self.instance._db or "default"

    def _links(self) -> QuerySet[Any]:
        pk = _require_saved(self.instance, self.accessor)
        return self.through._meta.default_manager.using(self._db_alias).filter(**{self.from_fk.attname: pk})

    def base_queryset(self) -> QuerySet[Any]:
        linked = self._links().values_list(self.to_fk.attname, flat=True)
        manager = self.target._meta.default_manager
        return manager.get_queryset().using(self._db_alias).filter(pk__in=linked)

    def _pks(self, objs: Iterable[Any]) -> list[Any]:
        from covet.orm.base import Model

        pks = []
        for obj in objs:
            if isinstance(obj, Model):
                if not isinstance(obj, self.target):
                    raise TypeError(f"{self.accessor} expects {self.target.__name__} objects, got {obj!r}.")
                pks.append(_require_saved(obj, self.accessor))
            else:
                pks.append(self.to_fk.coerce(obj))
        return pks

    async def add(self, *objs: Any, through_defaults: dict[str, Any] | None = None) -> None:
        """Link objects (or primary keys); links that already exist are left alone."""
        pks = list(dict.fromkeys(self._pks(objs)))
        if not pks:
            return
        async with atomic(self._db_alias):
            existing = set(
                await self._links()
                .filter(**{f"{self.to_fk.attname}__in": pks})
                .values_list(self.to_fk.attname, flat=True)
            )
            source = self.instance.pk
            rows = [
                self.through(**{self.from_fk.attname: source, self.to_fk.attname: pk}, **(through_defaults or {}))
                for pk in pks
                if pk not in existing
            ]
            await self.through._meta.default_manager.using(self._db_alias).bulk_create(rows)

    async def remove(self, *objs: Any) -> None:
        pks = self._pks(objs)
        if pks:
            await self._links().filter(**{f"{self.to_fk.attname}__in": pks}).delete()

    async def clear(self) -> None:
        await self._links().delete()

    async def set(self, objs: Iterable[Any], *, through_defaults: dict[str, Any] | None = None) -> None:
        """Make the linked set exactly ``objs``."""
        wanted = list(dict.fromkeys(self._pks(objs)))
        async with atomic(self._db_alias):
            current = set(await self._links().values_list(self.to_fk.attname, flat=True))
            stale = [pk for pk in current if pk not in set(wanted)]
            if stale:
                await self._links().filter(**{f"{self.to_fk.attname}__in": stale}).delete()
            await self.add(*[pk for pk in wanted if pk not in current], through_defaults=through_defaults)

    async def create(self, *, through_defaults: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        async with atomic(self._db_alias):
            obj = await self.target._meta.default_manager.using(self._db_alias).create(**kwargs)
            await self.add(obj, through_defaults=through_defaults)
        return obj
