"""What migration commands work on: the apps, the models' MetaData and the database engine."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine

from .apps import MigrationApp, TableOwnership
from .errors import MigrationError


@dataclass
class MigrationProject:
    """The inputs of every migration command; build one from settings with :meth:`from_settings`."""

    apps: Sequence[MigrationApp]
    metadata: MetaData
    engine: AsyncEngine
    #: Table name -> app label for tables whose owner is not in ``table.info["app_label"]``.
    table_owners: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def ownership(self) -> TableOwnership:
        return TableOwnership(self.metadata, (app.label for app in self.apps), self.table_owners)

    @property
    def apps_by_label(self) -> dict[str, MigrationApp]:
        return {app.label: app for app in self.apps}

    def app(self, label: str) -> MigrationApp:
        try:
            return self.apps_by_label[label]
        except KeyError:
            known = ", ".join(sorted(self.apps_by_label)) or "none"
            raise MigrationError(f"No installed app with label '{label}'. Installed apps: {known}.") from None

    @classmethod
    def from_settings(cls, database: str = "default") -> MigrationProject:
        """The project described by the loaded settings: INSTALLED_APPS, their models, DATABASES[database].

        Call it inside a coroutine: the engine belongs to the running event loop.
        """
        from covet.conf.apps import apps as registry
        from covet.orm.connections import get_engine
        from covet.orm.registry import metadata

        migration_apps = installed_migration_apps()
        owners = {model._meta.db_table: model._meta.app_label for model in registry.get_models()}
        return cls(apps=migration_apps, metadata=metadata, engine=get_engine(database), table_owners=owners)


def installed_migration_apps() -> list[MigrationApp]:
    """The installed apps (``covet.setup()`` is called first) as the migration layer sees them, in order."""
    import covet
    from covet.conf.apps import apps as registry

    covet.setup()
    framework = Path(covet.__file__).resolve().parent
    return [
        MigrationApp.for_package_dir(
            config.label, config.path, editable=not Path(config.path).resolve().is_relative_to(framework)
        )
        for config in registry.get_app_configs()
        if config.path is not None
    ]
