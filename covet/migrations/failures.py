"""What to tell the user when a revision raises while being applied: which one, where, and the database's state."""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path

from alembic.script import Script, ScriptDirectory

from .errors import MigrationError


class MigrationFailed(MigrationError):
    """A revision raised while being applied; the message says where the database was left."""

    def __init__(self, message: str, *, revision: str | None, heads: set[str]) -> None:
        super().__init__(message)
        self.revision = revision
        self.heads = heads


@dataclass(frozen=True)
class FailurePoint:
    """The revision whose code raised, and the line of its file that did."""

    script: Script
    line: int | None


def find_failure_point(script_directory: ScriptDirectory, exc: BaseException) -> FailurePoint | None:
    """The deepest traceback frame that lies in a revision file, if any."""
    scripts = {str(Path(script.path).resolve()): script for script in script_directory.walk_revisions()}
    point = None
    for frame in traceback.extract_tb(exc.__traceback__):
        script = scripts.get(str(Path(frame.filename).resolve()))
        if script is not None:
            point = FailurePoint(script, frame.lineno)
    return point


def describe_failure(
    exc: BaseException, point: FailurePoint | None, app_label: str | None, dialect: str, heads: set[str]
) -> MigrationFailed:
    where = ", ".join(sorted(heads)) or "no migration applied"
    name = f"'{app_label or '?'} {point.script.revision}'" if point is not None else "a migration"
    if dialect == "postgresql":
        state = f"Its changes were rolled back; the database is at: {where}."
    else:
        state = (
            f"{dialect} cannot roll back every schema change, so the database may be partially migrated: {name} "
            f"is not recorded as applied, the recorded migrations are: {where}. Check the schema (covet dbshell) "
            "and undo stray changes before migrating again."
        )
    location = f" (at {point.script.path}, line {point.line})" if point is not None and point.line else ""
    message = f"Migration {name} failed{location}: {type(exc).__name__}: {exc}\n{state}"
    return MigrationFailed(message, revision=point.script.revision if point else None, heads=heads)
