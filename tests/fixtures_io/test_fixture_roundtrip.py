"""dumpdata -> JSON -> loaddata gives back every value of every field type, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import uuid
from pathlib import Path
from typing import Any

import orjson
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

orm = pytest.importorskip("covet.orm", reason="the ORM package is not importable yet")
if not hasattr(orm, "Model"):
    pytest.skip("covet.orm does not export Model yet", allow_module_level=True)

from covet.fixtures import FixtureError, ModelIndex, dump_data, load_data, load_objects  # noqa: E402


class Mood(enum.Enum):
    HAPPY = "happy"
    GRUMPY = "grumpy"


class Owner(orm.Model):
    name = orm.CharField(max_length=50)

    class Meta:
        app_label = "fixtures_io"


class Tag(orm.Model):
    label = orm.CharField(max_length=20)

    class Meta:
        app_label = "fixtures_io"


class Everything(orm.Model):
    owner = orm.ForeignKey(Owner, on_delete=orm.CASCADE, null=True)
    tags = orm.ManyToManyField(Tag, related_name="things")
    char = orm.CharField(max_length=100)
    text = orm.TextField(blank=True)
    email = orm.EmailField(null=True)
    url = orm.URLField(null=True)
    slug = orm.SlugField(null=True)
    integer = orm.IntegerField(null=True)
    small = orm.SmallIntegerField(null=True)
    big = orm.BigIntegerField(null=True)
    positive = orm.PositiveIntegerField(null=True)
    ratio = orm.FloatField(null=True)
    price = orm.DecimalField(max_digits=12, decimal_places=4, null=True)
    flag = orm.BooleanField(default=False)
    day = orm.DateField(null=True)
    moment = orm.DateTimeField(null=True)
    clock = orm.TimeField(null=True)
    span = orm.DurationField(null=True)
    token = orm.UUIDField(null=True)
    payload = orm.JSONField(null=True)
    blob = orm.BinaryField(null=True)
    mood = orm.EnumField(Mood, null=True)

    class Meta:
        app_label = "fixtures_io"


# The auto-created many-to-many table is a model too; dumped and loaded like the others.
Link = Everything._meta.get_field("tags").through
MODELS = [Owner, Tag, Everything, Link]
OWNER_ROWS = [{"id": 1, "name": "Ada"}, {"id": 2, "name": "Grace ✓"}]
TAG_ROWS = [{"id": 1, "label": "red"}, {"id": 2, "label": "blue"}]
LINK_ROWS = [{"id": 1, "everything_id": 1, "tag_id": 2}, {"id": 2, "everything_id": 2, "tag_id": 2}]
EVERYTHING_ROWS: list[dict[str, Any]] = [
    {
        "id": 1,
        "owner_id": 2,
        "char": "hé \"quoted\" 'single' \\ back",
        "text": "line one\nline two\ttab \u2028 \x7f",
        "email": "ada@example.com",
        "url": "https://example.com/a?b=c&d=e",
        "slug": "a-slug",
        "integer": -2147483648,
        "small": 32767,
        "big": 9223372036854775807,
        "positive": 0,
        "ratio": 0.1 + 0.2,
        "price": decimal.Decimal("12345678.0001"),
        "flag": True,
        "day": dt.date(1970, 1, 1),
        "moment": dt.datetime(2026, 11, 22, 1, 2, 3, 456789, tzinfo=dt.UTC),
        "clock": dt.time(23, 59, 59, 999999),
        "span": dt.timedelta(days=3, hours=4, microseconds=250000),
        "token": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "payload": {"nested": [1, 2.5, None, True, "x"], "empty": {}},
        "blob": bytes(range(256)),
        "mood": Mood.GRUMPY,
    },
    {"id": 2, "owner_id": None, "char": "", "text": "", "flag": False},
]


async def _create_tables(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for model in MODELS:
            await connection.run_sync(model._meta.table.create)


async def _rows(engine: AsyncEngine, model: Any) -> list[dict[str, Any]]:
    table = model._meta.table
    async with engine.connect() as connection:
        result = await connection.execute(sa.select(table).order_by(table.c.id))
        return [dict(row._mapping) for row in result]


async def _all_rows(engine: AsyncEngine) -> dict[Any, list[dict[str, Any]]]:
    return {model: await _rows(engine, model) for model in MODELS}


async def _seed(engine: AsyncEngine) -> None:
    await _create_tables(engine)
    async with engine.begin() as connection:
        await connection.execute(Owner._meta.table.insert(), OWNER_ROWS)
        await connection.execute(Tag._meta.table.insert(), TAG_ROWS)
        for row in EVERYTHING_ROWS:
            await connection.execute(Everything._meta.table.insert(), [row])
        await connection.execute(Link._meta.table.insert(), LINK_ROWS)


async def _clear(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for model in reversed(MODELS):
            await connection.execute(model._meta.table.delete())


async def test_every_field_type_round_trips(engine: AsyncEngine, tmp_path: Path) -> None:
    await _seed(engine)
    before = await _all_rows(engine)
    objects = await dump_data(engine, MODELS)
    labels = [obj["model"] for obj in objects]
    assert labels.count("fixtures_io.everything") == 2 and labels.count("fixtures_io.everything_tags") == 2
    # Referenced rows come before the rows referencing them.
    assert labels.index("fixtures_io.everything") > max(
        labels.index("fixtures_io.owner"), labels.index("fixtures_io.tag")
    )
    assert labels.index("fixtures_io.everything_tags") > labels.index("fixtures_io.everything")
    first = next(obj for obj in objects if obj["model"] == "fixtures_io.everything")
    assert first["pk"] == 1
    assert first["fields"]["owner"] == 2
    assert first["fields"]["moment"] == "2026-11-22T01:02:03.456789+00:00"
    assert first["fields"]["price"] == "12345678.0001"
    assert first["fields"]["mood"] == "grumpy"
    fixture = tmp_path / "dump.json"
    fixture.write_bytes(orjson.dumps(objects))

    await _clear(engine)
    assert await load_data(engine, fixture, ModelIndex(MODELS)) == 8

    assert await _all_rows(engine) == before
    # Loading again replaces rows by primary key instead of failing or duplicating them.
    assert await load_data(engine, fixture, ModelIndex(MODELS)) == 8
    assert await _all_rows(engine) == before
    # New rows still get fresh ids after explicit ids were loaded (PostgreSQL sequences were moved on).
    async with engine.begin() as connection:
        result = await connection.execute(
            Owner._meta.table.insert().values(name="new").returning(Owner._meta.table.c.id)
        )
        assert result.scalar_one() == 3


BAD_FIXTURES: list[tuple[str, bytes, str]] = [
    ("syntax", b'[{"model": "fixtures_io.owner", "pk": 1,', "is not valid JSON"),
    ("not a list", b'{"model": "fixtures_io.owner"}', "must hold a JSON list"),
    ("not an object", b"[1]", 'object 0: expected an object with a "model" label'),
    ("unknown model", b'[{"model": "fixtures_io.nope", "pk": 1, "fields": {}}]', "Unknown model 'fixtures_io.nope'"),
    (
        "unknown field",
        b'[{"model": "fixtures_io.owner", "pk": 1, "fields": {"name": "a", "age": 3}}]',
        "fixtures_io.owner has no field age. Its fields: id, name.",
    ),
    ("missing pk", b'[{"model": "fixtures_io.owner", "fields": {"name": "a"}}]', '"pk" is missing'),
    (
        "bad value",
        b'[{"model": "fixtures_io.owner", "pk": 1, "fields": {"name": "a"}},'
        b' {"model": "fixtures_io.everything", "pk": 1, "fields": {"char": "x", "moment": "yesterday"}}]',
        "object 1: field 'moment': 'yesterday' is not a valid datetime",
    ),
    (
        "missing referenced row",
        b'[{"model": "fixtures_io.owner", "pk": 1, "fields": {"name": "a"}},'
        b' {"model": "fixtures_io.everything", "pk": 1, "fields": {"char": "x", "owner": 99}}]',
        "could not be loaded, nothing was written",
    ),
]


@pytest.mark.parametrize(("case", "content", "message"), BAD_FIXTURES, ids=[case for case, _, _ in BAD_FIXTURES])
async def test_bad_fixture_is_explained_and_writes_nothing(
    engine: AsyncEngine, tmp_path: Path, case: str, content: bytes, message: str
) -> None:
    await _create_tables(engine)
    fixture = tmp_path / "bad.json"
    fixture.write_bytes(content)

    with pytest.raises(FixtureError) as caught:
        await load_data(engine, fixture, ModelIndex(MODELS))

    assert message in str(caught.value)
    assert await _all_rows(engine) == {model: [] for model in MODELS}


async def test_missing_file_is_explained(engine: AsyncEngine, tmp_path: Path) -> None:
    with pytest.raises(FixtureError, match="does not exist"):
        await load_data(engine, tmp_path / "nope.json", ModelIndex(MODELS))
    with pytest.raises(FixtureError, match="is a directory"):
        await load_data(engine, tmp_path, ModelIndex(MODELS))


async def test_load_objects_orders_by_dependency(engine: AsyncEngine) -> None:
    await _create_tables(engine)
    objects = [
        {"model": "fixtures_io.everything", "pk": 5, "fields": {"char": "child", "owner": 7}},
        {"model": "fixtures_io.owner", "pk": 7, "fields": {"name": "parent"}},
    ]
    assert await load_objects(engine, objects, ModelIndex(MODELS)) == 2
    assert [row["owner_id"] for row in await _rows(engine, Everything)] == [7]


def test_model_selection_errors_list_what_exists() -> None:
    index = ModelIndex(MODELS)
    assert sorted(model._meta.label_lower for model in index.select(["fixtures_io"])) == sorted(
        model._meta.label_lower for model in MODELS
    )
    assert index.select(["fixtures_io.Owner"]) == [Owner]
    with pytest.raises(
        FixtureError,
        match=r"apps: fixtures_io\.everything, fixtures_io\.everything_tags, fixtures_io\.owner, fixtures_io\.tag\.",
    ):
        index.select(["fixtures_io.Nope"])
    with pytest.raises(FixtureError, match=r"No models found for 'blog'\. Apps with models: fixtures_io"):
        index.select(["blog"])


async def test_dumping_a_model_without_its_table_is_explained(engine: AsyncEngine) -> None:
    with pytest.raises(
        FixtureError, match=r"Can't read fixtures_io\.owner from table fixtures_io_owner: .*covet migrate"
    ):
        await dump_data(engine, [Owner])
