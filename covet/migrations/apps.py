"""Which apps have migration histories, where their revision files live and which tables each app owns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import MetaData, Table

#: Alembic's bookkeeping table; it belongs to no app.
VERSION_TABLE = "alembic_version"


@dataclass(frozen=True)
class MigrationApp:
    """One installed app as the migration layer sees it: a label (the Alembic branch) and its ``migrations/`` dir."""

    label: str
    directory: Path
    #: False for apps that ship their migrations with a package (Covet's own auth, admin...):
    #: ``makemigrations`` without an app label leaves them alone.
    editable: bool = True

    @classmethod
    def for_package_dir(cls, label: str, package_dir: str | Path, *, editable: bool = True) -> MigrationApp:
        return cls(label=label, directory=Path(package_dir) / "migrations", editable=editable)

    def ensure_directory(self) -> None:
        """Create ``migrations/`` with an ``__init__.py`` so the revisions form a package next to the models."""
        self.directory.mkdir(parents=True, exist_ok=True)
        init = self.directory / "__init__.py"
        if not init.exists():
            init.write_text("")


def _label_from_info(table: Table) -> str | None:
    """The app label the ORM recorded on the table: ``info["app_label"]`` or the model in ``info["covet_model"]``."""
    label = table.info.get("app_label")
    if label is None and table.info.get("covet_model") is not None:
        label = getattr(getattr(table.info["covet_model"], "_meta", None), "app_label", None)
    return label if isinstance(label, str) else None


class TableOwnership:
    """Maps table names to app labels.

    A table in the models' MetaData belongs to the app its ``table.info`` names (see ``_label_from_info``) or by
    the explicit ``owners`` mapping (built from the model registry). A table found only in the database belongs to
    the app whose label prefixes its name (``blog_post`` -> ``blog``), which is how default table names are built;
    any other table is not Covet's and migrations leave it alone.
    """

    def __init__(self, metadata: MetaData, labels: Iterable[str], owners: Mapping[str, str] | None = None) -> None:
        # Longest label first, so "blog_extra" wins over "blog" for "blog_extra_item".
        self._labels = sorted(set(labels), key=len, reverse=True)
        self._owners: dict[str, str] = {}
        for table in metadata.tables.values():
            label = _label_from_info(table) or (owners or {}).get(table.name) or self._by_prefix(table.name)
            if label is not None:
                self._owners[table.name] = label

    def _by_prefix(self, table_name: str) -> str | None:
        for label in self._labels:
            if table_name.startswith(label + "_"):
                return label
        return None

    def owner(self, table_name: str) -> str | None:
        """The app label owning ``table_name``, or None for tables Covet does not manage."""
        if table_name == VERSION_TABLE:
            return None
        return self._owners.get(table_name) or self._by_prefix(table_name)

    def tables_of(self, metadata: MetaData, label: str) -> list[Table]:
        return [table for table in metadata.tables.values() if self.owner(table.name) == label]
