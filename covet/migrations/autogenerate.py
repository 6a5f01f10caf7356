"""Turns one autogenerate comparison into one revision per app (Alembic's ``process_revision_directives``).

Alembic compares the whole MetaData with the database and proposes a single script; Covet splits its
operations by the app owning each table, writes each app's share into that app's branch, makes a revision
depend on the other apps' revisions whose tables its foreign keys reference, and writes nothing when
nothing changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic.operations import ops
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData

from .apps import MigrationApp, TableOwnership
from .changes import Change, describe
from .errors import MigrationError
from .history import AppHistory
from .not_null import backfill_added_columns


@dataclass
class PlannedRevision:
    """A revision about to be written (then written: ``path`` is set by the command)."""

    app: MigrationApp
    revision: str
    message: str
    changes: list[Change]
    depends_on: list[str] = field(default_factory=list)
    #: Problems a human must look at before migrating (e.g. a NOT NULL column that can't be filled).
    warnings: list[str] = field(default_factory=list)
    path: Path | None = None


def _referenced_tables(op: ops.MigrateOperation, metadata: MetaData) -> set[str]:
    """Tables that ``op`` makes a foreign key point to."""
    if isinstance(op, ops.ModifyTableOps):
        return set().union(*(_referenced_tables(inner, metadata) for inner in op.ops))
    if isinstance(op, ops.CreateTableOp):
        table = metadata.tables.get(op.table_name)
        foreign_keys = table.foreign_keys if table is not None else set()
    elif isinstance(op, ops.AddColumnOp):
        foreign_keys = op.column.foreign_keys
    elif isinstance(op, ops.CreateForeignKeyOp):
        return {op.referent_table}
    else:
        return set()
    # target_fullname is "[schema.]table.column"
    return {fk.target_fullname.rsplit(".", 2)[-2] for fk in foreign_keys}


def _table_of(op: ops.MigrateOperation) -> str:
    return str(getattr(op, "table_name", ""))


def _default_message(changes: Sequence[Change], first: bool) -> str:
    if first:
        return "initial"
    head = changes[0]
    target = head.target.split(" ")[0]
    message = f"{head.verb} {head.kind} {target}"
    return message + " and more" if len(changes) > 1 else message


class RevisionPlanner:
    """Callable given to ``command.revision(process_revision_directives=...)``; fills :attr:`planned`."""

    def __init__(
        self,
        script_directory: ScriptDirectory,
        apps: Mapping[str, MigrationApp],
        ownership: TableOwnership,
        metadata: MetaData,
        message: str | None = None,
        *,
        write: bool = True,
    ) -> None:
        self.script_directory = script_directory
        self.write = write
        self.apps = apps
        self.ownership = ownership
        self.metadata = metadata
        self.message = message
        self.planned: list[PlannedRevision] = []

    def __call__(self, context: Any, revision: Any, directives: list[ops.MigrationScript]) -> None:
        proposed = directives[0]
        assert proposed.upgrade_ops is not None
        by_app: dict[str, list[ops.MigrateOperation]] = {}
        for op in proposed.upgrade_ops.ops:
            if isinstance(op, ops.CreateTableOp | ops.DropTableOp):
                # Table.info holds Python-side bookkeeping (the ORM's model class); it has no place in a file.
                op.info = {}
            label = self.ownership.owner(_table_of(op))
            if label is not None:
                by_app.setdefault(label, []).append(op)
        scripts = [self._script_for(label, by_app[label], by_app) for label in self._ordered(by_app)]
        directives[:] = scripts if self.write else []

    def _dependencies(self, label: str, operations: Iterable[ops.MigrateOperation]) -> set[str]:
        labels = set()
        for op in operations:
            for table in _referenced_tables(op, self.metadata):
                owner = self.ownership.owner(table)
                if owner is not None and owner != label:
                    labels.add(owner)
        return labels

    def _ordered(self, by_app: Mapping[str, list[ops.MigrateOperation]]) -> list[str]:
        """Apps in an order where an app comes after the apps it references (cycles keep their order)."""
        ordered: list[str] = []
        visiting: set[str] = set()

        def visit(label: str) -> None:
            if label in ordered or label in visiting:
                return
            visiting.add(label)
            for other in sorted(self._dependencies(label, by_app[label])):
                if other in by_app:
                    visit(other)
            ordered.append(label)

        for label in sorted(by_app):
            visit(label)
        return ordered

    def _script_for(
        self, label: str, operations: list[ops.MigrateOperation], by_app: Mapping[str, Any]
    ) -> ops.MigrationScript:
        app = self.apps[label]
        history = AppHistory(app, self.script_directory)
        head = history.head
        changes = list(describe(operations))
        warnings = backfill_added_columns(operations, self.metadata)
        depends_on = [self._head_revision_of(other, label) for other in sorted(self._dependencies(label, operations))]
        planned = PlannedRevision(
            app=app,
            revision=self._next_id(history),
            message=self.message or _default_message(changes, first=head is None),
            changes=changes,
            depends_on=[revision for revision in depends_on if revision is not None],
            warnings=warnings,
        )
        self.planned.append(planned)
        upgrade = ops.UpgradeOps(ops=operations)
        return ops.MigrationScript(
            rev_id=planned.revision,
            upgrade_ops=upgrade,
            downgrade_ops=upgrade.reverse(),
            message=planned.message,
            head="base" if head is None else head.revision,
            branch_label=label if head is None else None,
            version_path=str(app.directory),
            depends_on=planned.depends_on or None,
        )

    def _next_id(self, history: AppHistory) -> str:
        revision = history.next_revision_id()
        while any(planned.revision == revision for planned in self.planned):
            revision = history.next_revision_id()
        return revision

    def _head_revision_of(self, other: str, referencing: str) -> str | None:
        """The revision of app ``other`` that a revision of ``referencing`` must run after."""
        for planned in self.planned:
            if planned.app.label == other:
                return planned.revision
        app = self.apps.get(other)
        head = AppHistory(app, self.script_directory).head if app is not None else None
        if head is None:
            raise MigrationError(
                f"App '{referencing}' has a foreign key to a table of app '{other}', which has no migration yet. "
                f"Run `covet makemigrations {other}` first, or `covet makemigrations` for all apps at once."
            )
        return head.revision
