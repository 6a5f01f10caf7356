"""INSERTs run on the raw driver (covet.orm.direct): same transactions, keys, values and errors as through
SQLAlchemy, and statements still reported to listeners."""

from __future__ import annotations

import asyncio

import pytest
from orm_testapp.models import Author, Book, Tag

from covet.orm import IntegrityError, atomic, close_all, get_engine
from covet.orm.connections import writer_connection
from covet.orm.direct import plan_for


async def test_the_driver_plan_is_used_for_both_backends() -> None:
    dialect = get_engine().dialect
    table = Tag._meta.table
    plan = plan_for(table, dialect, ("name",), return_key=True)
    assert plan is not None and plan.columns == ("name",)
    assert plan.returns_key == (dialect.name == "postgresql")  # SQLite reports lastrowid instead
    assert plan_for(table, dialect, ("name",), return_key=True) is plan  # compiled once
    assert plan_for(table, dialect, ("no_such_column",), return_key=False) is None


async def test_first_write_of_an_atomic_block_is_rolled_back_with_it() -> None:
    with pytest.raises(RuntimeError):
        async with atomic():
            await Tag.objects.create(name="lost")  # the block's first statement: BEGIN must precede it
            await Tag.objects.bulk_create([Tag(name="lost-too"), Tag(name="and-this")])
            raise RuntimeError("boom")
    assert await Tag.objects.count() == 0
    async with atomic():
        await Tag.objects.create(name="kept")
    assert await Tag.objects.values_list("name", flat=True) == ["kept"]


async def test_bulk_create_sets_keys_in_order_and_the_sequence_goes_on() -> None:
    tags = await Tag.objects.bulk_create([Tag(name=f"t{i:03}") for i in range(120)])
    keys = [tag.pk for tag in tags]
    assert None not in keys and keys == sorted(keys) and len(set(keys)) == 120
    loaded = await Tag.objects.in_bulk(keys)
    assert all(loaded[tag.pk].name == tag.name for tag in tags)
    explicit = await Tag.objects.bulk_create([Tag(id=keys[-1] + 500, name="explicit"), Tag(name="generated")])
    assert explicit[0].pk == keys[-1] + 500 and explicit[1].pk not in keys
    later = await Tag.objects.create(name="later")
    assert later.pk not in {*keys, explicit[1].pk}
    assert await Tag.objects.count() == 123


async def test_refused_writes_name_the_constraint_and_keep_the_transaction_usable() -> None:
    await Tag.objects.create(name="dup")
    with pytest.raises(IntegrityError) as info:
        await Tag.objects.create(name="dup")
    assert info.value.constraint is not None and "name" in info.value.constraint
    assert "refused the write" in str(info.value) and info.value.original is not None
    async with atomic():
        await Tag.objects.create(name="first")
        with pytest.raises(IntegrityError):
            await Tag.objects.bulk_create([Tag(name="fresh"), Tag(name="dup")])
        with pytest.raises(IntegrityError):
            await Tag.objects.create(name="dup")
        await Tag.objects.create(name="after")  # the transaction goes on
    assert sorted(await Tag.objects.values_list("name", flat=True)) == ["after", "dup", "first"]


async def test_a_foreign_key_violation_is_refused_without_losing_rows() -> None:
    author = await Author.objects.create(name="Ann")
    with pytest.raises(IntegrityError):
        await Book.objects.create(title="orphan", author_id=author.pk + 999, pages=1)
    assert await Book.objects.count() == 0 and await Author.objects.count() == 1


async def test_statement_listeners_still_see_inserts(count_queries) -> None:
    with count_queries() as log:
        await Tag.objects.create(name="watched")
        await Tag.objects.bulk_create([Tag(name="w1"), Tag(name="w2")])
    inserts = [statement for statement in log.statements if statement.lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 2, log


async def test_concurrent_creates_and_the_sqlite_writer_connection(backend: str) -> None:
    tags = await asyncio.gather(*(Tag.objects.create(name=f"c{i}") for i in range(40)))
    assert len({tag.pk for tag in tags}) == 40 and await Tag.objects.count() == 40
    engine = get_engine()
    held = await writer_connection(engine)
    if backend == "sqlite":
        assert held is not None and await writer_connection(engine) is held
        assert engine.sync_engine.pool.checkedout() == 1  # only the writer stays checked out
    else:
        assert held is None  # PostgreSQL writes use the pool per statement
    await close_all()  # returns the writer to the pool before disposing of it
    assert engine.sync_engine.pool.checkedout() == 0
    assert await Tag.objects.count() == 40  # a fresh engine works
