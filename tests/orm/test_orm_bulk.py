"""bulk_create, bulk_update, get_or_create, update_or_create."""

from __future__ import annotations

import asyncio

import pytest
from orm_testapp.models import Author, Counter, Tag

from covet.exceptions import ValidationError
from covet.orm import IntegrityError


async def test_bulk_create_sets_primary_keys(count_queries) -> None:
    tags = [Tag(name=f"t{i}") for i in range(250)]
    with count_queries() as log:
        created = await Tag.objects.bulk_create(tags)
    assert len(log) <= 2 and created == tags
    assert all(tag.pk is not None for tag in tags) and len({tag.pk for tag in tags}) == 250
    loaded = await Tag.objects.in_bulk([tag.pk for tag in tags])
    assert all(loaded[tag.pk].name == tag.name for tag in tags)
    assert await Tag.objects.count() == 250


async def test_bulk_create_is_all_or_nothing() -> None:
    await Tag.objects.create(name="dup")
    with pytest.raises(IntegrityError):
        await Tag.objects.bulk_create([Tag(name="fresh"), Tag(name="dup")])
    assert await Tag.objects.count() == 1
    with pytest.raises(ValidationError):
        await Tag.objects.bulk_create([Tag(name="ok"), Tag(name="x" * 80)])
    assert await Tag.objects.count() == 1
    await Tag.objects.bulk_create([Tag(name="dup"), Tag(name="new")], ignore_conflicts=True)
    assert await Tag.objects.count() == 2


async def test_bulk_update() -> None:
    counters = await Counter.objects.bulk_create([Counter(name=f"c{i}") for i in range(30)])
    for index, counter in enumerate(counters):
        counter.value = index * 2
        counter.name = "unchanged-in-db"
    assert await Counter.objects.bulk_update(counters, ["value"], batch_size=7) == 30
    assert await Counter.objects.order_by("value").values_list("value", flat=True) == [i * 2 for i in range(30)]
    assert await Counter.objects.filter(name="unchanged-in-db").count() == 0
    with pytest.raises(ValueError, match="unsaved"):
        await Counter.objects.bulk_update([Counter(name="x")], ["value"])


async def test_get_or_create_and_update_or_create() -> None:
    author, created = await Author.objects.get_or_create(name="Ann", defaults={"age": 3})
    assert created and author.age == 3
    again, created = await Author.objects.get_or_create(name="Ann", defaults={"age": 99})
    assert not created and again.pk == author.pk and again.age == 3
    updated, created = await Author.objects.update_or_create(name="Ann", defaults={"age": 4})
    assert not created and updated.age == 4 and (await Author.objects.get(pk=author.pk)).age == 4
    other, created = await Author.objects.update_or_create(name="Bob", defaults={"age": 5})
    assert created and other.age == 5


async def test_concurrent_get_or_create_makes_one_row() -> None:
    results = await asyncio.gather(*(Tag.objects.get_or_create(name="race") for _ in range(10)))
    assert sum(created for _tag, created in results) == 1
    assert len({tag.pk for tag, _created in results}) == 1
    assert await Tag.objects.count() == 1
