"""Reading the revision graph per app: an app's revisions are the files in its ``migrations/`` directory."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from pathlib import Path

from alembic.script import Script, ScriptDirectory

from .apps import MigrationApp
from .errors import MigrationError

_SEQUENCE = re.compile(r"^(\d+)_")


def _as_tuple(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


class AppHistory:
    """The revisions of one app, oldest first, and which of them are heads."""

    def __init__(self, app: MigrationApp, script_directory: ScriptDirectory) -> None:
        self.app = app
        directory = app.directory.resolve()
        scripts = [s for s in script_directory.walk_revisions() if Path(s.path).parent.resolve() == directory]
        scripts.reverse()  # walk_revisions goes from the heads down
        self.revisions: list[Script] = scripts

    @property
    def heads(self) -> list[Script]:
        parents = {parent for script in self.revisions for parent in _as_tuple(script.down_revision)}
        return [script for script in self.revisions if script.revision not in parents]

    @property
    def head(self) -> Script | None:
        """The single head of this app, None before its first revision; several heads need a merge."""
        heads = self.heads
        if len(heads) > 1:
            names = ", ".join(script.revision for script in heads)
            raise MigrationError(
                f"App '{self.app.label}' has several latest migrations ({names}), probably made on two branches. "
                f"Join them with `covet makemigrations {self.app.label} --merge`, then carry on."
            )
        return heads[0] if heads else None

    def next_revision_id(self) -> str:
        """``<4-digit sequence>_<random hex>``: ordered within the app and unique across apps and branches."""
        numbers = [int(m.group(1)) for script in self.revisions if (m := _SEQUENCE.match(script.revision))]
        return f"{max(numbers, default=0) + 1:04d}_{secrets.token_hex(3)}"

    def find(self, revision: str) -> Script:
        """The revision whose id is or starts with ``revision`` (``0002`` finds ``0002_a1b2c3``)."""
        exact = [script for script in self.revisions if script.revision == revision]
        matches = exact or [script for script in self.revisions if script.revision.startswith(revision)]
        if len(matches) == 1:
            return matches[0]
        known = ", ".join(script.revision for script in self.revisions) or "none yet"
        if not matches:
            raise MigrationError(f"App '{self.app.label}' has no migration '{revision}'. Its migrations: {known}.")
        raise MigrationError(f"'{revision}' matches several migrations of app '{self.app.label}': {known}.")


def applied_revisions(script_directory: ScriptDirectory, heads: Iterable[str]) -> set[str]:
    """Every revision applied when the version table holds ``heads``: the heads and all they depend on."""
    applied: set[str] = set()
    pending = list(heads)
    while pending:
        revision = pending.pop()
        if revision in applied:
            continue
        applied.add(revision)
        script = script_directory.get_revision(revision)
        if script is not None:
            pending.extend(_as_tuple(script.down_revision))
            pending.extend(_as_tuple(script.dependencies))
    return applied
