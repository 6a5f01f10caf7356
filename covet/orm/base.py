"""``Model`` and its metaclass: turn a class with fields into a table-backed model with managers.

Instances keep their column values as plain attributes in ``__dict__`` (no descriptors on the read path),
so loading rows is cheap. ``_db`` is the alias the instance was loaded from or saved to (None = unsaved).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any, ClassVar

from covet.exceptions import ValidationError
from covet.orm import registry
from covet.orm.exceptions import FieldError, MultipleObjectsReturned, ObjectDoesNotExist
from covet.orm.fields.base import EMPTY_VALUES, NOT_PROVIDED, Field
from covet.orm.options import Options


def _app_label_for(module: str) -> str:
    """The label of the installed app containing ``module``; else the package name before ``.models``."""
    from covet.conf.apps import apps

    if apps.apps_ready:
        best = None
        for config in apps.app_configs.values():
            if (module == config.name or module.startswith(config.name + ".")) and (
                best is None or len(config.name) > len(best.name)
            ):
                best = config
        if best is not None:
            return best.label
    parts = module.split(".")
    if "models" in parts[1:]:
        return parts[parts.index("models", 1) - 1]
    return parts[-2] if len(parts) > 1 else parts[0]


def _contributes(value: Any) -> bool:
    return not isinstance(value, type) and hasattr(value, "contribute_to_class")


class ModelBase(type):
    """Builds ``_meta``, the fields, the per-model exceptions, the default manager and the Table."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any], **kwargs: Any) -> ModelBase:
        model_bases = [base for base in bases if isinstance(base, ModelBase)]
        if not model_bases:
            return super().__new__(mcs, name, bases, attrs, **kwargs)
        module = attrs.get("__module__", "")
        meta = attrs.pop("Meta", None)
        contributable = {key: value for key, value in attrs.items() if _contributes(value)}
        plain = {key: value for key, value in attrs.items() if key not in contributable}
        cls: Any = super().__new__(mcs, name, bases, plain, **kwargs)

        abstract_parents = [base for base in cls.__mro__[1:] if isinstance(base, ModelBase) and hasattr(base, "_meta")]
        for parent in abstract_parents:
            if not parent._meta.abstract:
                raise TypeError(
                    f"{name} subclasses the concrete model {parent.__name__}; multi-table inheritance isn't "
                    f"supported. Make {parent.__name__} abstract (class Meta: abstract = True) or copy its fields."
                )
        if meta is None and abstract_parents:
            meta = _inherited_meta(abstract_parents[0])
        cls._meta = Options(meta, model_name=name, app_label=_app_label_for(module))
        cls._meta.model = cls

        if not cls._meta.abstract:
            cls.DoesNotExist = type(
                "DoesNotExist", (ObjectDoesNotExist,), {"__module__": module, "__qualname__": f"{name}.DoesNotExist"}
            )
            cls.MultipleObjectsReturned = type(
                "MultipleObjectsReturned",
                (MultipleObjectsReturned,),
                {"__module__": module, "__qualname__": f"{name}.MultipleObjectsReturned"},
            )

        inherited = _inherited_members(abstract_parents, exclude=set(contributable) | set(plain))
        members = {**inherited, **contributable}
        fields = sorted(
            ((key, value) for key, value in members.items() if isinstance(value, Field)),
            key=lambda item: item[1].creation_counter,
        )
        others = [(key, value) for key, value in members.items() if not isinstance(value, Field)]
        if not cls._meta.abstract and not any(field.primary_key for _key, field in fields):
            from covet.orm.fields.numeric import BigAutoField

            auto = BigAutoField(verbose_name="ID")
            auto.creation_counter = -1
            fields.insert(0, ("id", auto))
        for key, value in fields:
            value.contribute_to_class(cls, key)
        for key, value in others:
            value.contribute_to_class(cls, key)

        if cls._meta.abstract:
            return cls
        if not cls._meta.managers:
            from covet.orm.manager import Manager

            Manager().contribute_to_class(cls, "objects")
        _finish_concrete_model(cls)
        return cls


def _inherited_meta(parent: Any) -> Any:
    """Meta options a subclass without ``class Meta`` takes from its abstract parent (not ``abstract``)."""
    parent_meta = parent._meta
    return type(
        "Meta",
        (),
        {
            "ordering": parent_meta.ordering,
            "indexes": [],
            "constraints": [],
            "unique_together": parent_meta.unique_together,
            "get_latest_by": parent_meta.get_latest_by,
        },
    )


def _inherited_members(parents: list[Any], *, exclude: set[str]) -> dict[str, Any]:
    members: dict[str, Any] = {}
    for parent in reversed(parents):
        for field in [*parent._meta.local_fields, *parent._meta.many_to_many]:
            if field.name not in exclude:
                members[field.name] = field.clone()
        for manager in parent._meta.managers:
            if manager.name not in exclude:
                members[manager.name] = copy.copy(manager)
    return members


def _finish_concrete_model(cls: Any) -> None:
    meta: Options = cls._meta
    relations = [field for field in [*meta.local_fields, *meta.many_to_many] if field.is_relation]
    for field in relations:  # all first, so the table isn't built before the last one is known
        if not field.many_to_many:
            meta.expect_relation(field.name)
    for field in relations:
        field.resolve_relation()  # type: ignore[attr-defined]
    if not meta._unresolved:
        meta.build_table()
    registry.register_model(cls)
    if not meta.auto_created:
        from covet.conf.apps import apps

        apps.register_model(meta.app_label, cls)


class Model(metaclass=ModelBase):
    """Base class of every model. Declare fields as class attributes; query through ``Model.objects``."""

    _meta: ClassVar[Options]
    DoesNotExist: ClassVar[type[ObjectDoesNotExist]]
    MultipleObjectsReturned: ClassVar[type[MultipleObjectsReturned]]
    _db: str | None

    def __init__(self, **kwargs: Any) -> None:
        meta = self._meta
        if meta.abstract:
            raise TypeError(f"{type(self).__name__} is abstract and can't be instantiated.")
        values = self.__dict__
        values["_db"] = None
        for field in meta.local_fields:
            if field.attname in kwargs:
                values[field.attname] = kwargs.pop(field.attname)
            elif field.name in kwargs and field.is_relation:
                setattr(self, field.name, kwargs.pop(field.name))
            elif field.name in kwargs:
                values[field.attname] = kwargs.pop(field.name)
            else:
                values[field.attname] = field.get_default()
        if "pk" in kwargs:
            self.pk = kwargs.pop("pk")
        if kwargs:
            many = [name for name in kwargs if any(f.name == name for f in meta.many_to_many)]
            if many:
                raise TypeError(
                    f"{type(self).__name__}() can't set many-to-many field(s) {', '.join(many)} directly; save the "
                    f"object, then use `await obj.{many[0]}.set([...])`."
                )
            valid = ", ".join(f.name for f in meta.local_fields)
            raise TypeError(
                f"{type(self).__name__}() got unexpected keyword argument(s): {', '.join(sorted(kwargs))}. "
                f"Valid fields: {valid}."
            )

    @classmethod
    def from_db(cls, db: str, attnames: Iterable[str], row: Iterable[Any]) -> Model:
        """Build a loaded instance without running ``__init__`` (the fast path for query results)."""
        instance = cls.__new__(cls)
        values = instance.__dict__
        values.update(zip(attnames, row, strict=False))
        values["_db"] = db
        return instance

    # -- identity -------------------------------------------------------------------------------------------
    @property
    def pk(self) -> Any:
        return self.__dict__.get(self._meta.pk.attname)  # type: ignore[union-attr]

    @pk.setter
    def pk(self, value: Any) -> None:
        self.__dict__[self._meta.pk.attname] = value  # type: ignore[union-attr]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Model) or type(other)._meta.label_lower != self._meta.label_lower:
            return NotImplemented if not isinstance(other, Model) else False
        pk = self.pk
        return self is other if pk is None else pk == other.pk

    def __hash__(self) -> int:
        if self.pk is None:
            raise TypeError("Model instances without a primary key value are unhashable; save it first.")
        return hash((self._meta.label_lower, self.pk))

    def __str__(self) -> str:
        return f"{type(self).__name__} object ({self.pk})"

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self}>"

    def __reduce__(self) -> Any:
        return (_rebuild, (type(self), self.__dict__.copy()))

    # -- persistence ----------------------------------------------------------------------------------------
    async def save(
        self, *, using: str | None = None, update_fields: Iterable[str] | None = None, force_insert: bool = False
    ) -> None:
        """INSERT a new object or UPDATE a loaded one (only ``update_fields`` if given)."""
        from covet.orm.persistence import save_instance

        await save_instance(self, using=using, update_fields=update_fields, force_insert=force_insert)

    async def delete(self, *, using: str | None = None) -> tuple[int, dict[str, int]]:
        """Delete this object and apply its relations' ``on_delete`` rules; returns (total, per-model counts)."""
        from covet.orm.deletion import Collector

        if self.pk is None:
            raise ValueError(f"{type(self).__name__} object can't be deleted because its primary key is None.")
        collector = Collector(using or self._db or "default")
        await collector.collect([self])
        result = await collector.delete()
        self.__dict__[self._meta.pk.attname] = None  # type: ignore[union-attr]
        return result

    async def refresh_from_db(self, *, fields: Iterable[str] | None = None, using: str | None = None) -> None:
        """Reload field values (all, or ``fields``) from the database; cached relations are dropped."""
        manager = type(self)._meta.default_manager
        queryset = manager.using(using or self._db or "default").filter(pk=self.pk)
        names = list(fields) if fields is not None else None
        if names is not None:
            queryset = queryset.only(*names)
        fresh = await queryset.get()
        keep = {
            field.attname
            for field in self._meta.local_fields
            if names is None or field.name in names or field.attname in names
        }
        for key, value in fresh.__dict__.items():
            if key in keep:
                self.__dict__[key] = value
        for key in [key for key in self.__dict__ if key.startswith("_cache_") or key == "_prefetched"]:
            del self.__dict__[key]
        self._db = fresh._db

    async def fetch_related(self, *lookups: str) -> None:
        """Load relations (same syntax as prefetch_related) into this instance."""
        from covet.orm.relations.prefetch import prefetch_related_objects

        await prefetch_related_objects([self], lookups)

    # -- validation -----------------------------------------------------------------------------------------
    def clean_fields(self, exclude: Iterable[str] = ()) -> None:
        """Coerce and validate every field value; ValidationError maps field names to messages."""
        skipped = set(exclude)
        errors: dict[str, list[str]] = {}
        for field in self._meta.local_fields:
            if field.name in skipped or (field.primary_key and self.pk is None):
                continue
            raw = self.__dict__.get(field.attname)
            if field.blank and raw in EMPTY_VALUES:
                continue
            try:
                self.__dict__[field.attname] = field.clean(raw, self)
            except ValidationError as error:
                errors[field.name] = [m for messages in error.messages.values() for m in messages]
        if errors:
            raise ValidationError(errors)

    def clean(self) -> None:
        """Override for checks across fields; raise ValidationError."""

    async def validate_unique(self, exclude: Iterable[str] = (), using: str | None = None) -> None:
        """Check unique fields and unique_together against the database."""
        from covet.orm.persistence import unique_errors

        errors = await unique_errors(self, set(exclude), using or self._db or "default")
        if errors:
            raise ValidationError(errors)

    async def full_clean(self, exclude: Iterable[str] = (), *, validate_unique: bool = True) -> None:
        """clean_fields(), clean() and validate_unique(); one ValidationError with every message."""
        skipped = set(exclude)
        errors: dict[str, list[str]] = {}
        try:
            self.clean_fields(skipped)
        except ValidationError as error:
            _merge_messages(errors, error)
        try:
            self.clean()
        except ValidationError as error:
            _merge_messages(errors, error)
        if validate_unique:
            try:
                await self.validate_unique(skipped | set(errors))
            except ValidationError as error:
                _merge_messages(errors, error)
        if errors:
            raise ValidationError(errors)

    # -- conversion -----------------------------------------------------------------------------------------
    def to_dict(self, *, fields: Iterable[str] | None = None, exclude: Iterable[str] = ()) -> dict[str, Any]:
        """A JSON-compatible dict of the loaded field values (foreign keys as their raw id, keyed by name)."""
        from covet.orm.serialization import model_to_dict

        return model_to_dict(self, fields=fields, exclude=exclude)

    def serializable_value(self, name: str) -> Any:
        try:
            field = self._meta.get_field(name)
        except FieldError:
            return getattr(self, name)
        return self.__dict__.get(field.attname)


def _merge_messages(errors: dict[str, list[str]], error: ValidationError) -> None:
    for key, messages in error.messages.items():
        errors.setdefault(key, []).extend(messages)


def _rebuild(cls: type[Model], state: dict[str, Any]) -> Model:
    instance = cls.__new__(cls)
    instance.__dict__.update(state)
    return instance


__all__ = ["NOT_PROVIDED", "Model", "ModelBase"]
