"""The migration commands as coroutines: make, apply, list and print revisions.

Each command opens a connection on the project's async engine and hands its sync face to Alembic with
``await connection.run_sync(...)``; Alembic then runs Covet's environment (see :mod:`.environment`).
The CLI modules in ``covet.cli.commands`` only parse arguments and print what these return.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext, MigrationInfo
from alembic.script import Script, ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Connection

from . import faking
from .apps import MigrationApp
from .autogenerate import PlannedRevision, RevisionPlanner
from .config import build_config
from .environment import OPTIONS_KEY, EnvironmentOptions, StepCallback
from .errors import MigrationError
from .failures import MigrationFailed, describe_failure, find_failure_point
from .history import AppHistory, applied_revisions
from .project import MigrationProject
from .scratch import scratch_project

T = TypeVar("T")

#: ``covet migrate APP zero`` unapplies every migration of APP.
ZERO = "zero"


@dataclass(frozen=True)
class AppliedStep:
    """One revision applied (``upgrade``) or unapplied by ``migrate``."""

    app_label: str
    revision: str
    message: str
    upgrade: bool
    seconds: float
    #: Recorded as applied (or unapplied) without running it (``migrate(..., fake=True)``).
    faked: bool = False


@dataclass(frozen=True)
class RevisionStatus:
    revision: str
    message: str
    applied: bool


@dataclass(frozen=True)
class AppStatus:
    label: str
    revisions: list[RevisionStatus]


def _options(project: MigrationProject, **kwargs: Any) -> EnvironmentOptions:
    return EnvironmentOptions(metadata=project.metadata, ownership=project.ownership, **kwargs)


def _config(project: MigrationProject, options: EnvironmentOptions) -> Config:
    return build_config(project.apps, **{OPTIONS_KEY: options})


def script_directory_of(project: MigrationProject) -> ScriptDirectory:
    """Alembic's view of every app's revision files."""
    return ScriptDirectory.from_config(build_config(project.apps))


# Alembic's ``context`` and ``op`` are process-wide proxies, so two runs interleaving on one event loop would
# clobber each other's: runs in one process take turns. (Separate processes are serialised by the database;
# see environment._postgres_migration_lock.)
_RUN_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


async def _on_connection(project: MigrationProject, work: Callable[[Connection], T]) -> T:
    lock = _RUN_LOCKS.setdefault(asyncio.get_running_loop(), asyncio.Lock())
    async with lock, project.engine.connect() as connection:
        return await connection.run_sync(work)


def _app_of(project: MigrationProject, script: Script) -> MigrationApp | None:
    directory = Path(script.path).parent.resolve()
    return next((app for app in project.apps if app.directory.resolve() == directory), None)


def _message_of(script: Script) -> str:
    return (script.doc or "").strip()


# -- makemigrations ---------------------------------------------------------------------------------------------


class DatabaseBehind(MigrationError):
    """The database lacks migrations that exist as files, so it can't stand for the latest migrations."""


async def make_migrations(
    project: MigrationProject,
    app_label: str | None = None,
    *,
    message: str | None = None,
    empty: bool = False,
    dry_run: bool = False,
    on_note: Callable[[str], None] | None = None,
) -> list[PlannedRevision]:
    """Write one revision per app whose models differ from the latest migrations; ``[]`` when nothing changed.

    The models are compared with the project's database when it has every migration applied, else with a
    scratch database built from the migration files (``on_note`` is told). With ``empty=True`` (an app is
    then required) write an empty revision to fill by hand, e.g. a data migration. With ``dry_run=True``
    only report what would be written (``path`` stays None).
    """
    if empty:
        if app_label is None:
            raise MigrationError("--empty needs an app: covet makemigrations APP --empty")
        return [_make_empty(project, project.app(app_label), message)]
    # Without an app label, only the project's own apps: packaged apps (Covet's auth, admin) ship migrations.
    labels = frozenset([project.app(app_label).label] if app_label else [a.label for a in project.apps if a.editable])
    try:
        planned = await _autogenerate(project, labels, message, dry_run)
    except DatabaseBehind as behind:
        async with scratch_project(project) as scratch:
            try:
                await migrate(scratch)
            except MigrationError as exc:
                raise MigrationError(
                    f"{behind} (A scratch SQLite database could not be built from the migration files either: {exc})"
                ) from exc
            planned = await _autogenerate(scratch, labels, message, dry_run)
        if on_note is not None:
            on_note(
                "The database has unapplied migrations, so the models were compared with a scratch database "
                "built from the migration files. Run `covet migrate` to apply them."
            )
    if not dry_run:
        _record_paths(project, planned)
    return planned


async def _autogenerate(
    project: MigrationProject, labels: frozenset[str], message: str | None, dry_run: bool
) -> list[PlannedRevision]:
    def autogenerate(connection: Connection) -> list[PlannedRevision]:
        config = _config(project, _options(project, labels=labels, connection=connection))
        planner = RevisionPlanner(
            ScriptDirectory.from_config(config),
            project.apps_by_label,
            project.ownership,
            project.metadata,
            message,
            write=not dry_run,
        )
        try:
            command.revision(config, autogenerate=True, process_revision_directives=planner)
        except CommandError as exc:
            if "not up to date" in str(exc):
                raise DatabaseBehind(
                    "The database is behind the migration files: apply them with `covet migrate` first, "
                    "then run `covet makemigrations` again."
                ) from exc
            raise MigrationError(str(exc)) from exc
        return planner.planned

    return await _on_connection(project, autogenerate)


def _make_empty(project: MigrationProject, app: MigrationApp, message: str | None) -> PlannedRevision:
    config = build_config(project.apps)
    history = AppHistory(app, ScriptDirectory.from_config(config))
    head = history.head
    planned = PlannedRevision(app=app, revision=history.next_revision_id(), message=message or "empty", changes=[])
    command.revision(
        config,
        message=planned.message,
        head="base" if head is None else head.revision,
        branch_label=app.label if head is None else None,
        version_path=str(app.directory),
        rev_id=planned.revision,
    )
    _record_paths(project, [planned])
    return planned


def merge_migrations(project: MigrationProject, app_label: str, *, message: str | None = None) -> PlannedRevision:
    """Join an app's several latest migrations (made on separate branches) with one revision after all of them."""
    app = project.app(app_label)
    config = build_config(project.apps)
    history = AppHistory(app, ScriptDirectory.from_config(config))
    heads = history.heads
    if len(heads) < 2:
        raise MigrationError(f"App '{app.label}' has one latest migration at most; there is nothing to merge.")
    planned = PlannedRevision(app=app, revision=history.next_revision_id(), message=message or "merge", changes=[])
    command.merge(config, [head.revision for head in heads], message=planned.message, rev_id=planned.revision)
    _record_paths(project, [planned])
    return planned


def _record_paths(project: MigrationProject, planned: list[PlannedRevision]) -> None:
    if not planned:
        return
    script_directory = script_directory_of(project)
    for revision in planned:
        revision.app.ensure_directory()
        script = script_directory.get_revision(revision.revision)
        revision.path = Path(script.path) if script is not None else None


# -- migrate ----------------------------------------------------------------------------------------------------


async def current_heads(project: MigrationProject) -> set[str]:
    """The revisions recorded in the database's version table (the latest applied of each branch)."""

    def read(connection: Connection) -> set[str]:
        return set(MigrationContext.configure(connection).get_current_heads())

    return await _on_connection(project, read)


async def migrate(
    project: MigrationProject,
    app_label: str | None = None,
    revision: str | None = None,
    *,
    fake: bool = False,
    on_step: Callable[[AppliedStep], None] | None = None,
) -> list[AppliedStep]:
    """Bring the database to ``revision`` of ``app_label`` (forward or back), or every app to its latest.

    ``revision`` may be a full id, a unique prefix (``0002``) or ``zero`` (before the app's first migration).
    With ``fake=True`` the version table is updated without running the revisions: for a database whose
    schema is already there (created by hand or by another tool).
    """
    if revision is not None and app_label is None:
        raise MigrationError("A target revision needs its app: covet migrate APP REVISION")
    script_directory = script_directory_of(project)
    applied = applied_revisions(script_directory, await current_heads(project))
    # What to run (Alembic's direction and target) and, for --fake, the applied set to record instead.
    if app_label is None:
        direction, target = command.upgrade, "heads"
        wanted = faking.with_applied(
            script_directory, applied, (s.revision for s in script_directory.get_revisions("heads"))
        )
    else:
        app = project.app(app_label)
        history = AppHistory(app, script_directory)
        if revision is None:
            head = history.head
            if head is None:
                return []
            direction, target = command.upgrade, f"{app.label}@head"
            wanted = faking.with_applied(script_directory, applied, [head.revision])
        elif revision == ZERO:
            if not any(script.revision in applied for script in history.revisions):
                return []
            direction, target = command.downgrade, f"{app.label}@base"
            wanted = faking.without_after(script_directory, applied, history, None)
        else:
            script = history.find(revision)
            target = script.revision
            if script.revision in applied:
                direction = command.downgrade
                wanted = faking.without_after(script_directory, applied, history, script)
            else:
                direction = command.upgrade
                wanted = faking.with_applied(script_directory, applied, [script.revision])
    if fake:
        return await _stamp(project, script_directory, applied, wanted, on_step)
    return await _run_steps(project, script_directory, direction, target, on_step)


def _step(
    project: MigrationProject,
    script_directory: ScriptDirectory,
    revision: str,
    *,
    upgrade: bool,
    seconds: float,
    faked: bool = False,
) -> AppliedStep:
    script = script_directory.get_revision(revision)
    app = _app_of(project, script) if script is not None else None
    return AppliedStep(
        app_label=app.label if app else "?",
        revision=revision,
        message=_message_of(script) if script is not None else "",
        upgrade=upgrade,
        seconds=seconds,
        faked=faked,
    )


async def _stamp(
    project: MigrationProject,
    script_directory: ScriptDirectory,
    applied: set[str],
    wanted: set[str],
    on_step: Callable[[AppliedStep], None] | None,
) -> list[AppliedStep]:
    """Record ``wanted`` as the applied revisions without running any; one faked step per change."""
    heads = faking.heads_of(script_directory, wanted)

    def stamp(connection: Connection) -> None:
        config = _config(project, _options(project, connection=connection))
        command.stamp(config, heads or "base", purge=True)

    if wanted != applied:
        await _on_connection(project, stamp)
    steps = []
    for revision, upgrade in [
        *((r, True) for r in sorted(wanted - applied)),
        *((r, False) for r in sorted(applied - wanted, reverse=True)),
    ]:
        steps.append(_step(project, script_directory, revision, upgrade=upgrade, seconds=0.0, faked=True))
        if on_step is not None:
            on_step(steps[-1])
    return steps


async def _run_steps(
    project: MigrationProject,
    script_directory: ScriptDirectory,
    direction: Callable[[Config, str], None],
    target: str,
    on_step: Callable[[AppliedStep], None] | None,
) -> list[AppliedStep]:
    steps: list[AppliedStep] = []
    started = time.perf_counter()

    def record(info: MigrationInfo) -> None:
        nonlocal started
        now = time.perf_counter()
        for revision in info.up_revision_ids:
            steps.append(_step(project, script_directory, revision, upgrade=info.is_upgrade, seconds=now - started))
            if on_step is not None:
                on_step(steps[-1])
        started = now

    def run(connection: Connection) -> None:
        direction(_config(project, _options(project, connection=connection, on_step=record)), target)

    try:
        await _on_connection(project, run)
    except CommandError as exc:
        raise MigrationError(str(exc)) from exc
    except MigrationError:
        raise
    except Exception as exc:
        raise await _failure(project, script_directory, exc) from exc
    return steps


async def _failure(project: MigrationProject, script_directory: ScriptDirectory, exc: Exception) -> MigrationFailed:
    point = find_failure_point(script_directory, exc)
    try:
        heads = await current_heads(project)
    except Exception:  # the database may be unreachable now; report the original error anyway
        heads = set()
    app = _app_of(project, point.script) if point is not None else None
    return describe_failure(exc, point, app.label if app else None, project.engine.dialect.name, heads)


# -- showmigrations ---------------------------------------------------------------------------------------------


async def show_migrations(project: MigrationProject) -> list[AppStatus]:
    """Every app's revisions, oldest first, each marked applied or not."""
    script_directory = script_directory_of(project)
    applied = applied_revisions(script_directory, await current_heads(project))
    return [
        AppStatus(
            label=app.label,
            revisions=[
                RevisionStatus(script.revision, _message_of(script), script.revision in applied)
                for script in AppHistory(app, script_directory).revisions
            ],
        )
        for app in project.apps
    ]


__all__ = [
    "ZERO",
    "AppStatus",
    "AppliedStep",
    "MigrationFailed",
    "PlannedRevision",
    "RevisionStatus",
    "StepCallback",
    "current_heads",
    "make_migrations",
    "merge_migrations",
    "migrate",
    "show_migrations",
]
