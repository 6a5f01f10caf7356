"""Covet's async ORM: models on SQLAlchemy Core tables, lazy awaitable QuerySets, relations, transactions.

Everything a models module needs is importable from here::

    from covet.orm import Model, CharField, ForeignKey, CASCADE, Q, F, Count, atomic
"""

from __future__ import annotations

from covet.orm import fields
from covet.orm.base import Model
from covet.orm.connections import close_all, get_engine
from covet.orm.constraints import CheckConstraint, Index, UniqueConstraint
from covet.orm.exceptions import (
    DatabaseError,
    FieldError,
    IntegrityError,
    MultipleObjectsReturned,
    ObjectDoesNotExist,
    ProtectedError,
    RestrictedError,
    TransactionManagementError,
)
from covet.orm.fields import *  # noqa: F403  (every field: the names in covet.orm.fields.__all__)
from covet.orm.manager import Manager, as_manager
from covet.orm.query.aggregates import Aggregate, Avg, Count, Max, Min, Sum
from covet.orm.query.expressions import Coalesce as Coalesce
from covet.orm.query.expressions import F, Func, Length, Lower, Q, Upper, Value
from covet.orm.queryset import QuerySet
from covet.orm.registry import metadata
from covet.orm.relations.on_delete import CASCADE, DO_NOTHING, PROTECT, RESTRICT, SET, SET_DEFAULT, SET_NULL
from covet.orm.relations.prefetch import Prefetch
from covet.orm.serialization import model_to_dict
from covet.orm.signals import Signal, post_delete, post_save, pre_delete, pre_save
from covet.orm.transactions import atomic, on_commit

__all__ = [
    "CASCADE",
    "DO_NOTHING",
    "PROTECT",
    "RESTRICT",
    "SET",
    "SET_DEFAULT",
    "SET_NULL",
    "Aggregate",
    "Avg",
    "CheckConstraint",
    "Coalesce",
    "Count",
    "DatabaseError",
    "F",
    "FieldError",
    "Func",
    "Index",
    "IntegrityError",
    "Length",
    "Lower",
    "Manager",
    "Max",
    "Min",
    "Model",
    "MultipleObjectsReturned",
    "ObjectDoesNotExist",
    "Prefetch",
    "ProtectedError",
    "Q",
    "QuerySet",
    "RestrictedError",
    "Signal",
    "Sum",
    "TransactionManagementError",
    "UniqueConstraint",
    "Upper",
    "Value",
    "as_manager",
    "atomic",
    "close_all",
    "get_engine",
    "metadata",
    "model_to_dict",
    "on_commit",
    "post_delete",
    "post_save",
    "pre_delete",
    "pre_save",
]
__all__ += fields.__all__
