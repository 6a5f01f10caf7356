"""Every ORM field's column type: rendered as plain SQLAlchemy in the file, applied, and then stable (no changes)."""

from __future__ import annotations

import enum
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from covet.migrations import MigrationApp, MigrationProject, make_migrations, migrate

fields = pytest.importorskip("covet.orm.fields", reason="the ORM's fields are not importable yet")


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


def field_types() -> dict[str, Any]:
    from covet.orm.fields.numeric import (
        BigIntegerField,
        DecimalField,
        FloatField,
        IntegerField,
        PositiveIntegerField,
        SmallIntegerField,
    )
    from covet.orm.fields.special import BinaryField, BooleanField, EnumField, JSONField, UUIDField
    from covet.orm.fields.temporal import DateField, DateTimeField, DurationField, TimeField
    from covet.orm.fields.text import CharField, EmailField, SlugField, TextField, URLField

    instances = {
        "char": CharField(max_length=120),
        "text": TextField(),
        "email": EmailField(),
        "url": URLField(),
        "slug": SlugField(),
        "integer": IntegerField(),
        "small": SmallIntegerField(),
        "big": BigIntegerField(),
        "positive": PositiveIntegerField(),
        "ratio": FloatField(),
        "price": DecimalField(max_digits=10, decimal_places=2),
        "flag": BooleanField(),
        "day": DateField(),
        "moment": DateTimeField(),
        "clock": TimeField(),
        "span": DurationField(),
        "token": UUIDField(),
        "payload": JSONField(),
        "blob": BinaryField(),
        "color": EnumField(Color),
        "level": EnumField(Level),
    }
    return {name: field.sa_type() for name, field in instances.items()}


def build(with_extra: bool) -> sa.MetaData:
    metadata = sa.MetaData()
    columns = [sa.Column(name, type_, nullable=True) for name, type_ in field_types().items()]
    if with_extra:
        columns.append(sa.Column("added", field_types()["moment"], nullable=True))
    sa.Table("kinds_everything", metadata, sa.Column("id", sa.Integer, primary_key=True), *columns)
    return metadata


async def test_every_field_type_migrates_and_compares_equal(tmp_path: Path, engine: AsyncEngine) -> None:
    app = MigrationApp.for_package_dir("kinds", tmp_path / "kinds")
    project_at: Callable[[bool], MigrationProject] = lambda extra: MigrationProject(  # noqa: E731
        apps=[app], metadata=build(extra), engine=engine
    )
    [initial] = await make_migrations(project_at(False))
    source = initial.path.read_text()  # type: ignore[union-attr]
    # Custom column types are written as the SQLAlchemy types they store as; no covet import in the file.
    assert "covet" not in source
    assert "sa.DateTime(timezone=True)" in source
    assert "sa.Numeric(precision=10, scale=2)" in source
    await migrate(project_at(False))

    # compare_type must not see differences where there are none (or every run would make a migration).
    assert await make_migrations(project_at(False)) == []

    [added] = await make_migrations(project_at(True))
    assert [str(change) for change in added.changes] == ["+ column kinds_everything.added"]
    await migrate(project_at(True))
    assert await make_migrations(project_at(True)) == []
