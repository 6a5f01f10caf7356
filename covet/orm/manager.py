"""``Manager``: the entry point for queries on a model class (``Post.objects``); custom managers subclass it.

Every QuerySet method is available on the manager: ``Post.objects.filter(...)`` is
``Post.objects.get_queryset().filter(...)``. Override ``get_queryset()`` to change the base query.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

from covet.orm.queryset import QuerySet

if TYPE_CHECKING:
    from covet.orm.base import Model

M = TypeVar("M", bound="Model")


class Manager(Generic[M]):
    """Query entry point bound to one model; ``queryset_class`` builds its QuerySets."""

    queryset_class: type[QuerySet[Any]] = QuerySet

    def __init__(self) -> None:
        self.model: type[M] | None = None
        self.name = ""
        self._db: str | None = None

    def contribute_to_class(self, model: type[M], name: str) -> None:
        self.model = model
        self.name = name
        model._meta.managers.append(self)
        setattr(model, name, ManagerDescriptor(self))

    @classmethod
    def from_queryset(cls, queryset_class: type[QuerySet[Any]], class_name: str | None = None) -> type[Manager[Any]]:
        """A Manager subclass whose QuerySets are ``queryset_class`` (so its custom methods are reachable)."""
        name = class_name or f"{cls.__name__}From{queryset_class.__name__}"
        return type(name, (cls,), {"queryset_class": queryset_class})

    def get_queryset(self) -> QuerySet[M]:
        if self.model is None:
            raise TypeError("This manager isn't attached to a model.")
        return self.queryset_class(self.model, using=self._db)

    def db_manager(self, using: str) -> Manager[M]:
        clone = type(self).__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone._db = using
        return clone

    def raw(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        """Model instances from hand-written SQL with ``:name`` parameters (always bound, never interpolated)."""
        from covet.orm.raw import RawQuerySet

        if self.model is None:
            raise TypeError("This manager isn't attached to a model.")
        return RawQuerySet(self.model, sql, params or {}, using=self._db or "default")

    def __getattr__(self, name: str) -> Any:
        # Delegate every public QuerySet method (filter, get, create, count, ...) to a fresh QuerySet.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.get_queryset(), name)

    def __class_getitem__(cls, item: Any) -> Any:
        return cls

    def __repr__(self) -> str:
        owner = self.model.__name__ if self.model is not None else "unbound"
        return f"<{type(self).__name__} {owner}.{self.name}>"


class ManagerDescriptor:
    """Makes ``Model.objects`` work on the class and fail clearly on instances."""

    def __init__(self, manager: Manager[Any]) -> None:
        self.manager = manager

    def __get__(self, instance: Any, owner: type | None = None) -> Manager[Any]:
        if instance is not None:
            raise AttributeError(
                f"Manager isn't accessible via {type(instance).__name__} instances; use "
                f"{type(instance).__name__}.{self.manager.name}."
            )
        return self.manager


def as_manager(queryset_class: type[QuerySet[Any]]) -> Manager[Any]:
    """``objects = as_manager(MyQuerySet)``: a manager whose QuerySets have your methods."""
    return Manager.from_queryset(queryset_class)()
