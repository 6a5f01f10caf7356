"""Every field type round-trips on both backends; coercion, validation and full_clean() messages."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from orm_testapp.models import Author, Color, Everything, Level, Tag

from covet.exceptions import ValidationError


async def test_every_field_round_trips() -> None:
    moment = dt.datetime(2023, 5, 6, 7, 8, 9, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    original = Everything(
        char="héllo",
        text="long " * 50,
        integer=-(2**31),
        big=2**62,
        small=-32768,
        positive=7,
        floating=1.25,
        decimal=Decimal("1234567.891"),
        flag=True,
        day=dt.date(1999, 12, 31),
        moment=moment,
        clock=dt.time(23, 59, 58, 5),
        span=dt.timedelta(days=2, seconds=3, microseconds=4),
        data={"list": [1, 2.5, "x", None, True], "nested": {"k": "v"}},
        email="a@b.co",
        url="https://example.com/x?y=1",
        slug="a-slug_1",
        blob=b"\x00\x01\xffbinary",
        color=Color.GREEN,
        level=Level.HIGH,
        status="live",
    )
    await original.save()
    loaded = await Everything.objects.get(pk=original.pk)
    for field in Everything._meta.fields:
        assert getattr(loaded, field.attname) == getattr(original, field.attname), field.name
    assert loaded.moment == moment and loaded.moment.tzinfo is not None
    assert isinstance(loaded.decimal, Decimal) and str(loaded.decimal) == "1234567.891"
    assert isinstance(loaded.uid, uuid.UUID) and loaded.color is Color.GREEN and loaded.level is Level.HIGH
    assert await Everything.objects.filter(color=Color.GREEN, level=2, uid=str(loaded.uid)).count() == 1
    assert await Everything.objects.filter(decimal__gt="1234567.89").count() == 1
    serialised = loaded.to_dict()
    assert serialised["decimal"] == "1234567.891" and serialised["uid"] == str(loaded.uid)
    assert serialised["blob"] == "AAH/YmluYXJ5" and serialised["color"] == "green"
    assert serialised["span"] == 172803.000004
    import orjson

    orjson.dumps(serialised)  # JSON-compatible as promised


async def test_nulls_and_defaults_round_trip() -> None:
    blank = await Everything.objects.create()
    loaded = await Everything.objects.get(pk=blank.pk)
    assert loaded.integer is None and loaded.data is None and loaded.char == "" and loaded.flag is False
    assert loaded.status == "draft" and isinstance(loaded.uid, uuid.UUID)
    other = await Everything.objects.create()
    assert other.uid != blank.uid  # callable default, called per instance
    assert await Everything.objects.filter(data__isnull=True).count() == 2


async def test_coercion_from_strings() -> None:
    obj = await Everything.objects.create(
        integer="42",
        floating="2.5",
        decimal="3.1",
        flag="yes",
        day="2020-02-03",
        moment="2020-02-03T04:05:06Z",
        clock="10:11",
        uid=str(uuid.UUID(int=5)),
        color="red",
        level=1,
    )
    assert (obj.integer, obj.floating, obj.decimal, obj.flag) == (42, 2.5, Decimal("3.1"), True)
    assert obj.day == dt.date(2020, 2, 3) and obj.moment == dt.datetime(2020, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
    assert obj.color is Color.RED and obj.level is Level.LOW and obj.uid == uuid.UUID(int=5)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("integer", "4x", "not a valid integer"),
        ("integer", 2**31, "out of range"),
        ("small", 40000, "out of range"),
        ("floating", "abc", "not a valid number"),
        ("decimal", "1.2345", "decimal places"),
        ("decimal", "123456789", "digits before the decimal point"),
        ("flag", "maybe", "not a valid boolean"),
        ("day", "31/12/1999", "not a valid date"),
        ("moment", "noon", "not a valid datetime"),
        ("clock", "25:00", "not a valid time"),
        ("span", "long", "not a valid duration"),
        ("uid", "not-a-uuid", "not a valid UUID"),
        ("blob", 12, "Expected bytes"),
        ("color", "blue", "not a valid Color"),
        ("char", "x" * 21, "at most 20 characters"),
        ("char", {"a": 1}, "Expected text"),
    ],
)
async def test_wrong_values_are_rejected_before_saving(field: str, value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as info:
        await Everything.objects.create(**{field: value})
    assert list(info.value.messages) == [field]
    assert await Everything.objects.count() == 0


async def test_full_clean_collects_messages_per_field() -> None:
    obj = Everything(char="", email="not-an-email", url="ftp//nope", slug="bad slug!", status="gone", positive=-3)
    with pytest.raises(ValidationError) as info:
        await obj.full_clean()
    messages = info.value.messages
    assert messages["email"] == ["Enter a valid email address."]
    assert messages["url"] == ["Enter a valid URL."]
    assert messages["slug"][0].startswith("Enter a valid slug")
    assert messages["status"][0].startswith("Value 'gone' is not a valid choice")
    assert "greater than or equal to 0" in messages["positive"][0] or "out of range" in messages["positive"][0]
    assert "char" not in messages  # blank=True
    with pytest.raises(ValidationError) as info:
        await obj.full_clean(exclude=["email", "url", "slug"])
    assert set(info.value.messages) == {"status", "positive"}
    author = Author(name="")
    with pytest.raises(ValidationError) as info:
        await author.full_clean()
    assert info.value.messages == {"name": ["This field cannot be blank."]}


async def test_full_clean_checks_uniqueness_against_the_database() -> None:
    await Tag.objects.create(name="taken")
    with pytest.raises(ValidationError) as info:
        await Tag(name="taken").full_clean()
    assert info.value.messages == {"name": ["Tag with this Name already exists."]}
    existing = await Tag.objects.get(name="taken")
    await existing.full_clean()  # an object doesn't clash with itself
