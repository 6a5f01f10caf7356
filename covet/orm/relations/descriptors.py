"""Attribute access for relations: ``post.author``, ``author.posts``, ``post.tags``, ``user.profile``.

A loaded related object (select_related, prefetch_related, fetch_related or assignment) is returned directly;
one that isn't loaded yet comes back as an awaitable (``await post.author``), because loading it needs I/O.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from covet.orm.base import Model
    from covet.orm.fields.related import ForeignKey, ForeignObjectRel, ManyToManyField


class UnloadedRelation:
    """Stands for a related object that isn't loaded: ``await`` it to load it; any attribute access explains."""

    def __init__(self, instance: Model, name: str, loader: Any) -> None:
        self._instance = instance
        self._name = name
        self._loader = loader

    def __await__(self) -> Generator[Any, None, Any]:
        return self._loader().__await__()

    def __getattr__(self, attribute: str) -> Any:
        owner = type(self._instance).__name__
        raise AttributeError(
            f"{owner}.{self._name} isn't loaded, so .{attribute} can't be read. Use `await obj.{self._name}`, "
            f"or load it up front with select_related({self._name!r}) / prefetch_related({self._name!r})."
        )

    def __bool__(self) -> bool:
        raise TypeError(f"{type(self._instance).__name__}.{self._name} isn't loaded; `await` it first.")

    def __repr__(self) -> str:
        return f"<unloaded {type(self._instance).__name__}.{self._name}>"


class ForwardRelationDescriptor:
    """``post.author``: the cached target, None, or an awaitable loading it. Assigning sets ``author_id``."""

    def __init__(self, field: ForeignKey) -> None:
        self.field = field

    def __get__(self, instance: Model | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        field = self.field
        values = instance.__dict__
        value = values.get(field.attname)
        if value is None:
            return None
        cached = values.get(field.cache_name)
        if cached is not None and cached.__dict__.get(field._target().attname) == value:
            return cached
        return UnloadedRelation(instance, field.name, lambda: self._load(instance, value))

    async def _load(self, instance: Model, value: Any) -> Model:
        field = self.field
        remote = field.remote_model
        assert remote is not None
        target = field._target()
        obj = await remote._meta.default_manager.using(instance._db or "default").get(**{target.attname: value})
        instance.__dict__[field.cache_name] = obj
        return obj

    def __set__(self, instance: Model, value: Any) -> None:
        field = self.field
        if value is None:
            if not field.null:
                raise ValueError(f"{type(instance).__name__}.{field.name} can't be None (the field isn't null=True).")
            instance.__dict__[field.attname] = None
            instance.__dict__[field.cache_name] = None
            return
        from covet.orm.base import Model

        if not isinstance(value, Model):
            raise TypeError(
                f"{type(instance).__name__}.{field.name} must be a model instance; to set the raw id assign "
                f"{field.attname} instead."
            )
        saved = value.__dict__.get(field._target().attname) is not None
        instance.__dict__[field.attname] = field.value_from_object(value) if saved else None
        instance.__dict__[field.cache_name] = value  # an unsaved target is caught by save() (ForeignKey.pre_save)


class ReverseOneToOneDescriptor:
    """``user.profile``: the one object whose OneToOneField points here (awaitable until loaded)."""

    def __init__(self, relation: ForeignObjectRel) -> None:
        self.relation = relation

    @property
    def cache_name(self) -> str:
        return f"_cache_{self.relation.accessor_name}"

    def __get__(self, instance: Model | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        values = instance.__dict__
        if self.cache_name in values:
            return values[self.cache_name]
        return UnloadedRelation(instance, self.relation.accessor_name, lambda: self._load(instance))

    async def _load(self, instance: Model) -> Model:
        relation = self.relation
        fk: Any = relation.field
        manager = relation.model._meta.default_manager.using(instance._db or "default")
        obj = await manager.get(**{fk.attname: instance.__dict__.get(fk._target().attname)})
        instance.__dict__[self.cache_name] = obj
        return obj


class ReverseManyDescriptor:
    """``author.posts``: a manager over the rows whose ForeignKey points at this instance."""

    def __init__(self, relation: ForeignObjectRel) -> None:
        self.relation = relation

    def __get__(self, instance: Model | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        from covet.orm.relations.managers import ReverseManyManager

        return ReverseManyManager(instance, self.relation)

    def __set__(self, instance: Model, value: Any) -> None:
        raise TypeError(
            f"Direct assignment to the reverse side of a relation is prohibited; use "
            f"`await obj.{self.relation.accessor_name}.set([...])`."
        )


class ManyRelatedDescriptor:
    """``post.tags`` / ``tag.post_set``: a manager over the objects linked through the join table."""

    def __init__(self, field: ManyToManyField, *, reverse: bool) -> None:
        self.field = field
        self.reverse = reverse

    def __get__(self, instance: Model | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        from covet.orm.relations.managers import ManyRelatedManager

        return ManyRelatedManager(instance, self.field, reverse=self.reverse)

    def __set__(self, instance: Model, value: Any) -> None:
        raise TypeError(
            f"Direct assignment to a many-to-many relation is prohibited; use `await obj.{self.field.name}.set([...])`."
        )


def install_reverse_accessor(relation: ForeignObjectRel) -> None:
    """Put the reverse accessor on the target model (unless the relation is hidden with related_name='...+')."""
    if relation.hidden:
        return
    target = relation.remote_model
    descriptor: Any
    if relation.many_to_many:
        descriptor = ManyRelatedDescriptor(relation.field, reverse=True)  # type: ignore[arg-type]
    elif relation.one_to_one:
        descriptor = ReverseOneToOneDescriptor(relation)
    else:
        descriptor = ReverseManyDescriptor(relation)
    existing = target.__dict__.get(relation.accessor_name)
    if existing is not None and not isinstance(
        existing, ReverseManyDescriptor | ReverseOneToOneDescriptor | ManyRelatedDescriptor
    ):
        raise TypeError(
            f"The reverse accessor {target.__name__}.{relation.accessor_name} for {relation.model.__name__}."
            f"{relation.field.name} clashes with an existing attribute; set related_name= on the field."
        )
    setattr(target, relation.accessor_name, descriptor)
