"""Errors the ORM raises: unknown fields, missing or duplicate rows, constraint violations, deletion blocks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from covet.exceptions import CovetError, TableDoesNotExist


class ORMError(CovetError):
    """Base class of every ORM error."""


class FieldError(ORMError):
    """A field name or lookup in a query doesn't exist; the message lists the valid choices."""


class ObjectDoesNotExist(ORMError):
    """A query that must return one row returned none; each model has its own ``Model.DoesNotExist`` subclass."""


class MultipleObjectsReturned(ORMError):
    """A query that must return one row returned several; each model has its own subclass."""


class TransactionManagementError(ORMError):
    """A transaction API was used in the wrong place (e.g. select_for_update() outside atomic())."""


class IntegrityError(ORMError):
    """The database refused a write because it breaks a constraint (unique, foreign key, not null, check).

    ``constraint`` names the violated constraint (or the column, when the database only reports that),
    ``original`` is the driver's exception.
    """

    def __init__(self, message: str, *, constraint: str | None = None, original: BaseException | None = None) -> None:
        super().__init__(message)
        self.constraint = constraint
        self.original = original


class ProtectedError(IntegrityError):
    """Deleting an object is blocked by a ``PROTECT`` foreign key; ``protected_objects`` holds the blockers."""

    def __init__(self, message: str, protected_objects: Iterable[Any]) -> None:
        super().__init__(message)
        self.protected_objects = list(protected_objects)


class RestrictedError(IntegrityError):
    """Deleting an object is blocked by a ``RESTRICT`` foreign key; ``restricted_objects`` holds the blockers."""

    def __init__(self, message: str, restricted_objects: Iterable[Any]) -> None:
        super().__init__(message)
        self.restricted_objects = list(restricted_objects)


class DatabaseError(ORMError):
    """Any other database failure, with the driver's exception as ``original``."""

    def __init__(self, message: str, *, original: BaseException | None = None) -> None:
        super().__init__(message)
        self.original = original


class MissingTableError(DatabaseError, TableDoesNotExist):
    """A query used a table that isn't in the database; the message says which migrations to apply."""

    def __init__(
        self, table: str, database: str, unapplied_apps: list[str] | None = None, *, original: BaseException | None
    ) -> None:
        TableDoesNotExist.__init__(self, table, database, unapplied_apps)
        self.original = original
