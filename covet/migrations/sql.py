"""``sqlmigrate``: the SQL of one revision, printed offline, or captured on a scratch database when offline can't.

Offline rendering (Alembic's ``as_sql``) needs no database. SQLite table rebuilds (batch operations that
change a type or drop a column) must read the table's current shape, so for those the revision is run for
real on a scratch SQLite database built from the migration files, and the statements it executes are
captured; the project's database is never touched.
"""

from __future__ import annotations

import io
from typing import Any

from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from alembic.script import Script
from alembic.util import CommandError
from sqlalchemy import event

from .commands import AppliedStep, migrate, script_directory_of
from .environment import EnvironmentOptions, context_options
from .errors import MigrationError
from .history import AppHistory
from .project import MigrationProject
from .scratch import scratch_project

# Statements Alembic and SQLAlchemy run for their own bookkeeping, not part of what a revision does.
_BOOKKEEPING = ("PRAGMA", "alembic_version", "sqlite_master", "sqlite_temp_master")


async def sql_migrate(project: MigrationProject, app_label: str, revision: str, *, backwards: bool = False) -> str:
    """The SQL revision ``revision`` of ``app_label`` runs (or, ``backwards``, its downgrade runs)."""
    app = project.app(app_label)
    script = AppHistory(app, script_directory_of(project)).find(revision)
    header = f"-- {app.label} {script.revision}: {(script.doc or '').strip()}\n"
    try:
        return header + _offline_sql(project, script, backwards)
    except CommandError as exc:
        if backwards or project.engine.dialect.name != "sqlite":
            raise MigrationError(f"Cannot print the SQL of {app.label} {script.revision} offline: {exc}") from exc
    return (
        header
        + "-- (captured on a scratch SQLite database: this migration rebuilds tables)\n"
        + (await _captured_sql(project, app.label, script))
    )


def _offline_sql(project: MigrationProject, script: Script, backwards: bool) -> str:
    buffer = io.StringIO()
    options = EnvironmentOptions(metadata=project.metadata, ownership=project.ownership)
    context = MigrationContext.configure(
        dialect_name=project.engine.dialect.name,
        opts={"as_sql": True, "output_buffer": buffer, "literal_binds": True, **context_options(options)},
    )
    with Operations.context(context):
        (script.module.downgrade if backwards else script.module.upgrade)()
    return buffer.getvalue()


async def _captured_sql(project: MigrationProject, app_label: str, script: Script) -> str:
    statements: list[str] = []
    captured: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if not any(marker in statement for marker in _BOOKKEEPING):
            statements.append(f"{statement.strip()};" + (f"\n-- parameters: {parameters!r}" if parameters else ""))

    def step_done(step: AppliedStep) -> None:
        # Statements between two completed steps belong to the later one.
        if step.revision == script.revision:
            captured.extend(statements)
        statements.clear()

    async with scratch_project(project) as scratch:
        event.listen(scratch.engine.sync_engine, "before_cursor_execute", record)
        await migrate(scratch, app_label, script.revision, on_step=step_done)
    return "\n\n".join(captured) + "\n"
