"""``Options`` (``Model._meta``): a model's name, table, fields, relations and Meta settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from covet.orm.exceptions import FieldError
from covet.orm.registry import metadata, unresolved_references

if TYPE_CHECKING:
    from covet.orm.base import Model
    from covet.orm.fields.base import Field
    from covet.orm.fields.related import ForeignObjectRel, ManyToManyField
    from covet.orm.manager import Manager

#: Attributes a model's ``class Meta`` may set.
META_OPTIONS = frozenset(
    {
        "abstract",
        "app_label",
        "db_table",
        "ordering",
        "indexes",
        "unique_together",
        "constraints",
        "verbose_name",
        "verbose_name_plural",
        "default_related_name",
        "get_latest_by",
        "auto_created",
    }
)


class Options:
    """Everything known about one model; available as ``Model._meta``."""

    def __init__(self, meta: Any, *, model_name: str, app_label: str) -> None:
        if meta is not None:
            unknown = sorted(name for name in vars(meta) if not name.startswith("_") and name not in META_OPTIONS)
            if unknown:
                raise TypeError(
                    f"class Meta of {model_name} has unknown option(s): {', '.join(unknown)}. "
                    f"Valid options: {', '.join(sorted(META_OPTIONS))}."
                )
        self.model: type[Model] | None = None
        self.object_name = model_name
        self.model_name = model_name.lower()
        self.app_label: str = getattr(meta, "app_label", None) or app_label
        self.abstract: bool = getattr(meta, "abstract", False)
        self.auto_created: bool = getattr(meta, "auto_created", False)
        self.db_table: str = getattr(meta, "db_table", None) or f"{self.app_label}_{self.model_name}"
        self.ordering: list[str] = list(getattr(meta, "ordering", None) or [])
        self.indexes: list[Any] = list(getattr(meta, "indexes", None) or [])
        self.unique_together: list[tuple[str, ...]] = _normalize_together(getattr(meta, "unique_together", None))
        self.constraints: list[Any] = list(getattr(meta, "constraints", None) or [])
        self.verbose_name: str = getattr(meta, "verbose_name", None) or _split_camel(model_name)
        self.verbose_name_plural: str = getattr(meta, "verbose_name_plural", None) or f"{self.verbose_name}s"
        self.default_related_name: str | None = getattr(meta, "default_related_name", None)
        self.get_latest_by: str | None = getattr(meta, "get_latest_by", None)
        self.pk: Field | None = None
        self.local_fields: list[Field] = []
        self.many_to_many: list[ManyToManyField] = []
        self.related_objects: list[ForeignObjectRel] = []
        self.managers: list[Manager] = []
        self._forward: dict[str, Field] = {}
        self._table: sa.Table | None = None
        self._unresolved: set[str] = set()
        self._on_table_ready: list[Callable[[], None]] = []
        # Filled once the table exists; used to build instances from rows without per-row lookups.
        self.column_attnames: tuple[str, ...] = ()
        #: Built SELECTs by query shape (see covet.orm.query.cache); emptied when the table is rebuilt.
        self.statement_cache: dict[Any, Any] = {}
        self._save_plan: list[tuple[Any, ...]] | None = None

    @property
    def label(self) -> str:
        return f"{self.app_label}.{self.object_name}"

    @property
    def label_lower(self) -> str:
        return f"{self.app_label}.{self.model_name}"

    # -- fields ---------------------------------------------------------------------------------------------
    def add_field(self, field: Field) -> None:
        if field.many_to_many:
            self.many_to_many.append(field)  # type: ignore[arg-type]
        else:
            self.local_fields.append(field)
            self.local_fields.sort(key=lambda f: f.creation_counter)
        if field.primary_key:
            if self.pk is not None and self.pk is not field:
                raise TypeError(f"{self.object_name} has two primary keys: {self.pk.name} and {field.name}.")
            self.pk = field
        self._forward[field.name] = field
        if field.attname != field.name:
            self._forward[field.attname] = field

    def add_related_object(self, relation: ForeignObjectRel) -> None:
        self.related_objects.append(relation)

    @property
    def fields(self) -> list[Field]:
        """The concrete (column-backed) fields, in declaration order with the implicit ``id`` first."""
        return self.local_fields

    @property
    def concrete_fields(self) -> list[Field]:
        return self.local_fields

    def get_fields(self, *, include_reverse: bool = True) -> list[Any]:
        """Concrete fields, many-to-many fields and (optionally) reverse relations."""
        fields: list[Any] = [*self.local_fields, *self.many_to_many]
        if include_reverse:
            fields.extend(rel for rel in self.related_objects if not rel.hidden)
        return fields

    def get_field(self, name: str) -> Any:
        """The field (or reverse relation) called ``name``; FieldError listing the valid names otherwise."""
        field = self._forward.get(name)
        if field is not None:
            return field
        for relation in self.related_objects:
            if not relation.hidden and relation.query_name == name:
                return relation
        raise FieldError(
            f"{self.object_name} has no field named {name!r}. Choices are: {', '.join(self.field_names())}."
        )

    def field_names(self) -> list[str]:
        names = [field.name for field in self.local_fields] + [field.name for field in self.many_to_many]
        names += [rel.query_name for rel in self.related_objects if not rel.hidden]
        return sorted(names)

    # -- table ----------------------------------------------------------------------------------------------
    def expect_relation(self, key: str) -> None:
        self._unresolved.add(key)

    def relation_resolved(self, key: str) -> None:
        self._unresolved.discard(key)
        if not self._unresolved and self._table is None and self.model is not None and not self.abstract:
            self.build_table()

    def when_table_ready(self, callback: Callable[[], None]) -> None:
        if self._table is not None:
            callback()
        else:
            self._on_table_ready.append(callback)

    @property
    def table(self) -> sa.Table:
        """The SQLAlchemy Core ``Table`` in ``covet.orm.registry.metadata``."""
        if self._table is None:
            if self.abstract:
                raise FieldError(f"{self.object_name} is abstract: it has no table. Query a concrete subclass.")
            missing = ", ".join(
                f"{name} -> {getattr(self._forward.get(name), 'to', '?')!r}" for name in sorted(self._unresolved)
            ) or ", ".join(unresolved_references())
            raise FieldError(
                f"The table of {self.label} isn't ready: its relations point to model(s) not defined yet ({missing}). "
                f"Import the module defining them, or check the 'app_label.ModelName' spelling."
            )
        return self._table

    def build_table(self) -> sa.Table:
        assert self.model is not None
        existing = metadata.tables.get(self.db_table)
        if existing is not None:
            owner = existing.info.get("covet_model")
            if owner is not None and owner._meta.label_lower != self.label_lower:
                raise TypeError(
                    f"{self.label} and {owner._meta.label} both use the table {self.db_table!r}; "
                    f"set a distinct Meta.db_table on one of them."
                )
            metadata.remove(existing)  # the same model defined again (module re-imported)
        columns = [field.sa_column() for field in self.local_fields]
        table = sa.Table(self.db_table, metadata, *columns, info={"covet_model": self.model})
        self._table = table
        for field in self.local_fields:
            for constraint in field.sa_constraints(table.c[field.column]):
                table.append_constraint(constraint)
        for names in self.unique_together:
            table.append_constraint(sa.UniqueConstraint(*(table.c[self.get_field(n).column] for n in names)))
        for constraint in self.constraints:
            table.append_constraint(constraint.to_sqlalchemy(self.model))
        for index in self.indexes:
            index.to_sqlalchemy(self.model)  # an Index built on a table's columns attaches to that table
        self.column_attnames = tuple(field.attname for field in self.local_fields)
        self.statement_cache.clear()
        self._save_plan = None
        callbacks, self._on_table_ready = self._on_table_ready, []
        for callback in callbacks:
            callback()
        return table

    def save_plan(self) -> list[tuple[Any, ...]]:
        """Per concrete field, what saving needs to know, precomputed once (saving is a hot path):
        (field, attname, column, reads plain value, types needing no coercion, has limits, is auto pk)."""
        plan = self._save_plan
        if plan is None:
            from covet.orm.fields.numeric import AutoField

            plan = self._save_plan = [
                (
                    field,
                    field.attname,
                    field.column,
                    field.reads_plain_value,
                    field.python_types,
                    field.has_db_limits,
                    field.primary_key and isinstance(field, AutoField),
                )
                for field in self.local_fields
            ]
        return plan

    @property
    def default_manager(self) -> Manager:
        if not self.managers:
            raise AttributeError(f"{self.object_name} has no manager.")
        return self.managers[0]

    def __repr__(self) -> str:
        return f"<Options for {self.object_name}>"


def _normalize_together(value: Any) -> list[tuple[str, ...]]:
    if not value:
        return []
    if all(isinstance(item, str) for item in value):
        return [tuple(value)]
    return [tuple(item) for item in value]


def _split_camel(name: str) -> str:
    words: list[str] = []
    for char in name:
        if char.isupper() and words and not words[-1].endswith(" "):
            words.append(" ")
        words.append(char.lower())
    return "".join(words).strip()
