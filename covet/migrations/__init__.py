"""Alembic migrations for Covet projects: one branch per app, revision files in ``<app>/migrations/``.

Use the commands (``covet makemigrations``, ``covet migrate``, ...) or their coroutines here.
"""

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
