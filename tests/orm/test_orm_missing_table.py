"""A table that isn't in the database: "no such table" (SQLite) and "relation ... does not exist" (PostgreSQL)
become ``MissingTableError`` on every path a statement takes (SQLAlchemy, the raw driver, inside atomic())."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from covet.exceptions import TableDoesNotExist
from covet.orm import DatabaseError, atomic
from covet.orm.direct import insert_row
from covet.orm.exceptions import MissingTableError
from covet.orm.execution import execute_write, fetch_all

GONE = sa.Table(
    "orm_gone_widget",
    sa.MetaData(),  # not the models' MetaData: nothing ever creates this table
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(50)),
)


def assert_explains(error: BaseException, database: str = "default") -> None:
    assert isinstance(error, MissingTableError)
    assert isinstance(error, DatabaseError) and isinstance(error, TableDoesNotExist)
    assert (error.table, error.database) == ("orm_gone_widget", database)
    command = "covet migrate" if database == "default" else f"covet migrate --database {database}"
    assert str(error).startswith(f'Table "orm_gone_widget" does not exist in database "{database}"')
    assert f'"{command}"' in str(error)
    assert error.original is not None and error.__cause__ is error.original


async def test_a_select_on_a_missing_table() -> None:
    with pytest.raises(MissingTableError) as raised:
        await fetch_all("default", sa.select(GONE))
    assert_explains(raised.value)


async def test_an_insert_on_the_driver_path_and_through_sqlalchemy() -> None:
    with pytest.raises(MissingTableError) as direct:
        await insert_row("default", GONE, {"name": "x"}, "id")
    assert_explains(direct.value)
    assert not isinstance(direct.value.original, sa.exc.DBAPIError)  # raised by aiosqlite/asyncpg itself
    with pytest.raises(MissingTableError) as through_sqlalchemy:
        await execute_write("default", GONE.update().values(name="y"))
    assert_explains(through_sqlalchemy.value)
    assert isinstance(through_sqlalchemy.value.original, sa.exc.DBAPIError)


async def test_another_database_names_its_migrate_command() -> None:
    with pytest.raises(MissingTableError) as raised:
        await fetch_all("other", sa.select(GONE))
    assert_explains(raised.value, "other")


async def test_inside_atomic_the_error_does_not_look_at_the_migrations() -> None:
    """The pending migrations would be read on another connection; inside a block that is left alone."""
    with pytest.raises(MissingTableError) as raised:
        async with atomic():
            await fetch_all("default", sa.select(GONE))
    assert_explains(raised.value)
    assert raised.value.unapplied_apps is None
    assert '"covet makemigrations" first if no migration creates it' in str(raised.value)


async def test_other_database_errors_stay_plain_database_errors() -> None:
    with pytest.raises(DatabaseError) as raised:
        await fetch_all("default", sa.text("SELEC 1"))
    assert not isinstance(raised.value, TableDoesNotExist)
