"""Alembic migrations for Covet projects: one branch per app, revision files in ``<app>/migrations/``.

Use the commands (``covet makemigrations``, ``covet migrate``, ...) or their coroutines here.

The names below are imported on first access: a served project imports ``covet.migrations.signals`` (the auth
app connects to ``post_migrate``) and must not pay for Alembic, which only the migration commands need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from covet.conf.exports import lazy_exports

if TYPE_CHECKING:
    from .apps import MigrationApp
    from .autogenerate import PlannedRevision
    from .commands import (
        ZERO,
        AppliedStep,
        AppStatus,
        MigrationFailed,
        RevisionStatus,
        current_heads,
        make_migrations,
        merge_migrations,
        migrate,
        show_migrations,
    )
    from .errors import MigrationError
    from .project import MigrationProject
    from .sql import sql_migrate

# Public name -> the submodule that defines it.
_EXPORTS = {
    "MigrationApp": "apps",
    "PlannedRevision": "autogenerate",
    "ZERO": "commands",
    "AppliedStep": "commands",
    "AppStatus": "commands",
    "MigrationFailed": "commands",
    "RevisionStatus": "commands",
    "current_heads": "commands",
    "make_migrations": "commands",
    "merge_migrations": "commands",
    "migrate": "commands",
    "show_migrations": "commands",
    "MigrationError": "errors",
    "MigrationProject": "project",
    "sql_migrate": "sql",
}


__getattr__ = lazy_exports(__name__, _EXPORTS)

__all__ = [
    "ZERO",
    "AppStatus",
    "AppliedStep",
    "MigrationApp",
    "MigrationError",
    "MigrationFailed",
    "MigrationProject",
    "PlannedRevision",
    "RevisionStatus",
    "current_heads",
    "make_migrations",
    "merge_migrations",
    "migrate",
    "show_migrations",
    "sql_migrate",
]
