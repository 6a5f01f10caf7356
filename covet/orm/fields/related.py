"""Relation fields: ForeignKey, OneToOneField, ManyToManyField, and ``ForeignObjectRel`` (their reverse side).

Targets may be classes or lazy references ("Model", "app_label.Model", "self"); a relation is wired up as
soon as its target model is defined, and the owning model's Table is built once all its targets are known.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from covet.orm.fields.base import Field
from covet.orm.registry import when_model_ready
from covet.orm.relations.on_delete import CASCADE, SET_DEFAULT, SET_NULL, OnDelete

if TYPE_CHECKING:
    from covet.orm.base import Model


class ForeignObjectRel:
    """The reverse side of a relation, kept in the target model's ``_meta.related_objects``.

    ``model`` is the model declaring the field; ``remote_model`` is the model it points to.
    """

    is_relation = True
    concrete = False

    def __init__(self, field: ForeignKey | ManyToManyField) -> None:
        self.field = field
        self.model: type[Model] = field.model  # type: ignore[assignment]
        self.remote_model: type[Model] = field.remote_model  # type: ignore[assignment]
        self.many_to_many = field.many_to_many
        self.one_to_one = getattr(field, "one_to_one", False)
        self.multiple = not self.one_to_one
        self.on_delete: OnDelete | None = getattr(field, "on_delete", None)
        related_name = field.related_name or self.model._meta.default_related_name
        if related_name:
            related_name = related_name % {
                "class": self.model._meta.model_name,
                "app_label": self.model._meta.app_label,
            }
        self.related_name = related_name
        self.hidden = bool(related_name) and related_name.endswith("+")  # type: ignore[union-attr]
        if related_name and not self.hidden:
            self.accessor_name = related_name
        else:
            self.accessor_name = self.model._meta.model_name + ("" if self.one_to_one else "_set")
        self.query_name = (
            field.related_query_name or (related_name if not self.hidden else None) or (self.model._meta.model_name)
        )
        self.name = self.query_name

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.model.__name__}.{self.field.name} -> {self.remote_model.__name__}>"


class ForeignKey(Field):
    """A many-to-one link stored in ``<name>_id``; ``on_delete`` decides what deleting the target does."""

    is_relation = True
    one_to_one = False
    description = "Foreign key"

    def __init__(
        self,
        to: type[Model] | str,
        on_delete: OnDelete,
        *,
        related_name: str | None = None,
        related_query_name: str | None = None,
        to_field: str | None = None,
        db_constraint: bool = True,
        **kwargs: Any,
    ) -> None:
        if not isinstance(on_delete, OnDelete):
            raise TypeError(
                f"{type(self).__name__}(on_delete=...) must be CASCADE, PROTECT, RESTRICT, SET_NULL, SET_DEFAULT, "
                f"SET(value) or DO_NOTHING from covet.orm, not {on_delete!r}."
            )
        if on_delete is SET_NULL and not kwargs.get("null"):
            raise TypeError(f"{type(self).__name__}(on_delete=SET_NULL) needs null=True.")
        if on_delete is SET_DEFAULT and "default" not in kwargs:
            raise TypeError(f"{type(self).__name__}(on_delete=SET_DEFAULT) needs a default=.")
        kwargs.setdefault("db_index", True)
        super().__init__(**kwargs)
        self.to = to
        self.on_delete = on_delete
        self.related_name = related_name
        self.related_query_name = related_query_name
        self.to_field = to_field
        self.db_constraint = db_constraint
        self.remote_model: type[Model] | None = None
        self.target_field: Field | None = None
        self.remote_rel: ForeignObjectRel | None = None

    def get_attname(self) -> str:
        return f"{self.name}_id"

    @property
    def cache_name(self) -> str:
        return f"_cache_{self.name}"

    def contribute_to_class(self, model: type[Model], name: str) -> None:
        from covet.orm.relations.descriptors import ForwardRelationDescriptor

        super().contribute_to_class(model, name)
        setattr(model, name, ForwardRelationDescriptor(self))

    def clone(self) -> Field:
        field: Any = super().clone()
        field.remote_model = field.target_field = field.remote_rel = None
        field.python_types = ()
        return field

    def resolve_relation(self) -> None:
        assert self.model is not None
        when_model_ready(self.to, self.model, self._set_remote)

    def _set_remote(self, remote: type[Model]) -> None:
        from covet.orm.relations.descriptors import install_reverse_accessor

        assert self.model is not None
        self.remote_model = remote
        self.target_field = remote._meta.get_field(self.to_field) if self.to_field else remote._meta.pk
        self.python_types = self.target_field.python_types  # type: ignore[union-attr]
        self.remote_rel = ForeignObjectRel(self)
        remote._meta.add_related_object(self.remote_rel)
        install_reverse_accessor(self.remote_rel)
        self.model._meta.relation_resolved(self.name)

    def _target(self) -> Field:
        if self.target_field is None:
            raise TypeError(f"{self!r} points to {self.to!r}, which isn't defined yet.")
        return self.target_field

    def sa_type(self) -> sa.types.TypeEngine[Any]:
        return self._target().sa_type()

    def sa_column_extras(self) -> list[Any]:
        if not self.db_constraint:
            return []
        assert self.remote_model is not None
        return [sa.ForeignKey(f"{self.remote_model._meta.db_table}.{self._target().column}")]

    def to_python(self, value: Any) -> Any:
        from covet.orm.base import Model

        if isinstance(value, Model):
            return self.value_from_object(value)
        return self._target().to_python(value)

    def coerce(self, value: Any) -> Any:
        from covet.orm.base import Model

        if isinstance(value, Model):
            return self.value_from_object(value)
        return super().coerce(value)

    def value_from_object(self, target: Model) -> Any:
        """The value this field stores for ``target`` (its pk, or its ``to_field``)."""
        remote = self.remote_model
        if remote is not None and type(target)._meta.label_lower != remote._meta.label_lower:
            raise TypeError(
                f"{self.model.__name__ if self.model else '?'}.{self.name} must be a {remote.__name__} instance, "
                f"not {type(target).__name__}."
            )
        value = target.__dict__.get(self._target().attname)
        if value is None:
            raise ValueError(
                f"The {type(target).__name__} given for {self.name!r} is unsaved (no primary key); save it first."
            )
        return value

    def check_db_limits(self, value: Any) -> None:
        self._target().check_db_limits(value)

    def pre_save(self, instance: Model, add: bool) -> Any:
        cached = instance.__dict__.get(self.cache_name)
        if cached is not None:
            value = cached.__dict__.get(self._target().attname)
            if value is None:
                raise ValueError(
                    f"save() of {type(instance).__name__} refused: its related object {self.name!r} is unsaved. "
                    f"Save the {type(cached).__name__} first."
                )
            instance.__dict__[self.attname] = value
        return instance.__dict__.get(self.attname)

    def to_serializable(self, value: Any) -> Any:
        return self._target().to_serializable(value)


class OneToOneField(ForeignKey):
    """A unique ForeignKey; the reverse accessor returns one object instead of a manager."""

    one_to_one = True
    description = "One-to-one relationship"

    def __init__(self, to: type[Model] | str, on_delete: OnDelete = CASCADE, **kwargs: Any) -> None:
        kwargs["unique"] = True
        super().__init__(to, on_delete, **kwargs)


class ManyToManyField(Field):
    """A many-to-many link through a join table: generated (``<table>_<name>``) or your ``through=`` model."""

    is_relation = True
    many_to_many = True
    concrete = False
    description = "Many-to-many relationship"

    def __init__(
        self,
        to: type[Model] | str,
        *,
        related_name: str | None = None,
        related_query_name: str | None = None,
        through: type[Model] | str | None = None,
        db_table: str | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("blank", False)
        super().__init__(**kwargs)
        self.to = to
        self.related_name = related_name
        self.related_query_name = related_query_name
        self.through_ref = through
        self.db_table = db_table
        self.remote_model: type[Model] | None = None
        self.remote_rel: ForeignObjectRel | None = None
        self.through: type[Model] | None = None
        self.source_fk: ForeignKey | None = None
        self.target_fk: ForeignKey | None = None

    def contribute_to_class(self, model: type[Model], name: str) -> None:
        from covet.orm.relations.descriptors import ManyRelatedDescriptor

        self.name = self.attname = name
        self.column = ""
        self.model = model
        model._meta.add_field(self)
        setattr(model, name, ManyRelatedDescriptor(self, reverse=False))

    def clone(self) -> Field:
        field: Any = super().clone()
        field.remote_model = field.remote_rel = field.through = field.source_fk = field.target_fk = None
        return field

    def sa_column(self) -> sa.Column[Any]:
        raise TypeError("A ManyToManyField has no column; its rows live in the through table.")

    def resolve_relation(self) -> None:
        assert self.model is not None
        when_model_ready(self.to, self.model, self._set_remote)

    def _set_remote(self, remote: type[Model]) -> None:
        from covet.orm.relations.descriptors import install_reverse_accessor

        assert self.model is not None
        self.remote_model = remote
        self.remote_rel = ForeignObjectRel(self)
        remote._meta.add_related_object(self.remote_rel)
        install_reverse_accessor(self.remote_rel)
        if self.through_ref is None:
            self._set_through(self._create_auto_through())
        else:
            when_model_ready(self.through_ref, self.model, self._set_through)

    def _set_through(self, through: type[Model]) -> None:
        self.through = through
        through._meta.when_table_ready(self._find_through_keys)

    def _find_through_keys(self) -> None:
        assert self.through is not None and self.model is not None and self.remote_model is not None
        links = [f for f in self.through._meta.local_fields if isinstance(f, ForeignKey)]
        source = [f for f in links if f.remote_model is self.model]
        target = [f for f in links if f.remote_model is self.remote_model and f not in source[:1]]
        if not source or not target:
            raise TypeError(
                f"The through model {self.through.__name__} of {self.model.__name__}.{self.name} needs a ForeignKey "
                f"to {self.model.__name__} and one to {self.remote_model.__name__}."
            )
        self.source_fk = source[0]
        self.target_fk = target[0] if self.remote_model is not self.model else source[1]

    def _create_auto_through(self) -> type[Model]:
        from covet.orm.base import Model, ModelBase

        assert self.model is not None and self.remote_model is not None
        source_name = self.model._meta.model_name
        target_name = self.remote_model._meta.model_name
        if source_name == target_name:
            source_name, target_name = f"from_{source_name}", f"to_{target_name}"
        meta = type(
            "Meta",
            (),
            {
                "db_table": self.db_table or f"{self.model._meta.db_table}_{self.name}",
                "app_label": self.model._meta.app_label,
                "auto_created": True,
                "unique_together": [(source_name, target_name)],
                "verbose_name": f"{self.model.__name__}-{self.remote_model.__name__} relationship",
            },
        )
        hidden = f"{self.model._meta.model_name}_{self.name}+"
        attrs = {
            "__module__": self.model.__module__,
            "Meta": meta,
            source_name: ForeignKey(self.model, CASCADE, related_name=hidden),
            target_name: ForeignKey(self.remote_model, CASCADE, related_name=hidden),
        }
        return ModelBase(f"{self.model.__name__}_{self.name}", (Model,), attrs)  # type: ignore[return-value]

    def ready_through(self) -> tuple[type[Model], ForeignKey, ForeignKey]:
        """(through model, its FK to this model, its FK to the target), or a clear error if not ready."""
        if self.through is None or self.source_fk is None or self.target_fk is None:
            raise TypeError(f"{self!r} isn't ready: its target or through model isn't defined yet.")
        return self.through, self.source_fk, self.target_fk
