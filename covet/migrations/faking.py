"""``migrate --fake``: which revisions to record as applied, computed per app, then written with Alembic's stamp.

Alembic's own ``stamp APP@base`` drops the app's row from the version table and with it the revisions of
other apps that row implied through ``depends_on``; so Covet works out the whole applied set it wants and
stamps exactly its heads.
"""

from __future__ import annotations

from collections.abc import Iterable

from alembic.script import Script, ScriptDirectory

from .history import AppHistory, applied_revisions


def _ancestors(script_directory: ScriptDirectory, revision: str) -> set[str]:
    """``revision`` and everything it needs (down revisions and dependencies, transitively)."""
    return applied_revisions(script_directory, [revision])


def with_applied(script_directory: ScriptDirectory, applied: set[str], targets: Iterable[str]) -> set[str]:
    """``applied`` plus ``targets`` and all they need."""
    wanted = set(applied)
    for target in targets:
        wanted |= _ancestors(script_directory, target)
    return wanted


def without_after(
    script_directory: ScriptDirectory, applied: set[str], history: AppHistory, target: Script | None
) -> set[str]:
    """``applied`` minus the app's revisions after ``target`` (all of them for None), and what needs them."""
    dropped = {
        script.revision
        for script in history.revisions
        if target is None
        or (script.revision != target.revision and target.revision in _ancestors(script_directory, script.revision))
    }
    return {revision for revision in applied if not _ancestors(script_directory, revision) & dropped}


def heads_of(script_directory: ScriptDirectory, applied: set[str]) -> list[str]:
    """The revisions of ``applied`` that no other applied revision needs: what the version table stores."""
    needed = set()
    for revision in applied:
        needed |= _ancestors(script_directory, revision) - {revision}
    return sorted(applied - needed)
