"""What Alembic's env.py does for a Covet project, as a function: configure the context and run the revisions.

Alembic executes ``alembic_script/env.py``, a two-line shim that calls :func:`run_environment`. Everything it
needs (the live connection, the models' MetaData, which apps to compare, callbacks) arrives in
``config.attributes["covet"]`` as an :class:`EnvironmentOptions`, so the same code serves every command.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal, TextIO

from alembic.autogenerate.api import AutogenContext
from alembic.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext, MigrationInfo
from sqlalchemy import MetaData
from sqlalchemy import types as sqltypes_module
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.types import TypeDecorator, TypeEngine

from .apps import TableOwnership
from .errors import MigrationError

OPTIONS_KEY = "covet"

StepCallback = Callable[[MigrationInfo], None]


@dataclass
class EnvironmentOptions:
    """Inputs of one Alembic run; ``labels=None`` compares the tables of every app."""

    metadata: MetaData
    ownership: TableOwnership
    labels: frozenset[str] | None = None
    connection: Connection | None = None
    dialect_name: str | None = None
    output_buffer: TextIO | None = None
    on_step: StepCallback | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def is_managed(self, table_name: str) -> bool:
        label = self.ownership.owner(table_name)
        return label is not None and (self.labels is None or label in self.labels)


def _include_name(options: EnvironmentOptions) -> Callable[..., bool]:
    def include_name(name: str | None, type_: str, parent_names: dict[str, str | None]) -> bool:
        if type_ == "schema":
            return name is None  # only the default schema
        if type_ == "table":
            return name is not None and options.is_managed(name)
        return True

    return include_name


def _include_object(options: EnvironmentOptions) -> Callable[..., bool]:
    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        if type_ == "table":
            return name is not None and options.is_managed(name)
        return True

    return include_object


def _on_version_apply(options: EnvironmentOptions) -> Callable[..., None]:
    def on_version_apply(*, ctx: MigrationContext, step: MigrationInfo, heads: set[str], run_args: Any) -> None:
        if options.on_step is not None:
            options.on_step(step)

    return on_version_apply


_SA_TYPE_NAMES = sorted(
    name for name, value in vars(sqltypes_module).items() if isinstance(value, type) and issubclass(value, TypeEngine)
)
# A SQLAlchemy type named inside another type's repr ("ARRAY(Integer())", "JSONB(astext_type=Text())").
_NESTED_SA_TYPE = re.compile(r"(?<=[(=\s])(?=(?:" + "|".join(_SA_TYPE_NAMES) + r")\()")


def _needs_covet_rendering(type_: TypeEngine[Any]) -> bool:
    if isinstance(type_, TypeDecorator) and not type(type_).__module__.startswith("sqlalchemy."):
        return True
    return bool(getattr(type_, "_variant_mapping", None))


def _render_type(type_: TypeEngine[Any], autogen_context: AutogenContext) -> str:
    if isinstance(type_, TypeDecorator) and not type(type_).__module__.startswith("sqlalchemy."):
        stored_type = getattr(type_, "stored_type", None)  # a decorator that builds its real type lazily
        return _render_type(stored_type() if stored_type else type_.impl_instance, autogen_context)
    module = type(type_).__module__
    rendered = _NESTED_SA_TYPE.sub("sa.", repr(type_))
    if module.startswith("sqlalchemy.dialects."):
        dialect = module.split(".")[2]
        autogen_context.imports.add(f"from sqlalchemy.dialects import {dialect}")
        rendered = f"{dialect}.{rendered}"
    else:
        rendered = f"sa.{rendered}"
    for dialect_name, variant in getattr(type_, "_variant_mapping", {}).items():
        rendered += f".with_variant({_render_type(variant, autogen_context)}, {dialect_name!r})"
    return rendered


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Write Covet's custom column types (``TypeDecorator``) as the SQLAlchemy types they store as.

    Migration files then depend on SQLAlchemy only, not on today's field classes, which may change while old
    migrations must keep running. Types with per-dialect variants (JSON / JSONB) are rendered here too, so a
    file generated on SQLite names PostgreSQL's types correctly. Everything else is Alembic's default.
    """
    if type_ != "type" or not _needs_covet_rendering(obj):
        return False
    return _render_type(obj, autogen_context)


def context_options(options: EnvironmentOptions) -> dict[str, Any]:
    """The ``context.configure`` options every Covet run shares."""
    return {
        "target_metadata": options.metadata,
        "compare_type": True,
        "compare_server_default": True,
        # Batch operations are plain ALTERs outside SQLite, so revisions written on either database run on both.
        "render_as_batch": True,
        "render_item": render_item,
        "include_name": _include_name(options),
        "include_object": _include_object(options),
        # One transaction per revision: on PostgreSQL a failing revision rolls back alone and the database stays at
        # the revision before it.
        "transaction_per_migration": True,
    }


@contextmanager
def _sqlite_foreign_keys_off(connection: Connection) -> Iterator[None]:
    """SQLite rebuilds tables for ALTERs; with foreign keys enforced, dropping the old copy would cascade deletes.

    The pragma is a no-op inside a transaction, so it is set on the DBAPI connection before any statement, then
    restored, and ``foreign_key_check`` verifies that the migrated data still satisfies every constraint.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    dbapi_connection = connection.connection.dbapi_connection
    assert dbapi_connection is not None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys")
        row = cursor.fetchone()
        enabled = bool(row and row[0])
        cursor.execute("PRAGMA foreign_keys=OFF")
        try:
            yield
        finally:
            if connection.in_transaction():
                connection.rollback()
            if enabled:
                cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA foreign_key_check")
        violations = cursor.fetchall()
        if violations:
            tables = sorted({str(row[0]) for row in violations})
            raise ForeignKeyCheckError(tables)
    finally:
        cursor.close()


#: Key of the PostgreSQL advisory lock that serialises migration runs ("covet" in ASCII).
MIGRATION_LOCK_KEY = 0x636F766574


@contextmanager
def _postgres_migration_lock(connection: Connection) -> Iterator[None]:
    """Hold a session advisory lock for the whole run, so instances that all run ``covet migrate`` on deploy
    take turns: the second one reads the version table after the first has finished and finds nothing to do."""
    if connection.dialect.name != "postgresql":
        yield
        return
    connection.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})")
    connection.commit()  # Alembic must find no transaction open, or it would not commit its own
    try:
        yield
    finally:
        try:
            if connection.in_transaction():
                connection.rollback()
            connection.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})")
            connection.commit()
        except DBAPIError:
            pass  # the connection is gone, and the lock with its session; the run's own error is what matters


class ForeignKeyCheckError(MigrationError):
    """Migrations ran with SQLite's foreign keys off and left rows pointing at rows that do not exist."""

    def __init__(self, tables: list[str]) -> None:
        self.tables = tables
        super().__init__(
            "The migrations were applied, but rows in " + ", ".join(tables) + " now reference rows that do not "
            "exist (SQLite's PRAGMA foreign_key_check). Fix the data, e.g. with a data migration, and migrate again."
        )


def run_environment(context: EnvironmentContext) -> None:
    """Configure Alembic's context for this run (online or offline) and run the selected revisions."""
    options: EnvironmentOptions = context.config.attributes[OPTIONS_KEY]
    shared = context_options(options)
    if context.is_offline_mode():
        context.configure(
            dialect_name=options.dialect_name,
            literal_binds=True,
            output_buffer=options.output_buffer,
            **shared,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    if options.connection is None:
        raise RuntimeError("Covet's migration environment needs config.attributes['covet'].connection")
    with _postgres_migration_lock(options.connection), _sqlite_foreign_keys_off(options.connection):
        context.configure(connection=options.connection, on_version_apply=_on_version_apply(options), **shared)
        with context.begin_transaction():
            context.run_migrations()
