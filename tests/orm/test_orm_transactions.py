"""atomic(): commit, rollback, savepoints, on_commit hooks, per-task connections, and no lost updates."""

from __future__ import annotations

import asyncio
import contextvars

import pytest
from orm_testapp.models import Author, Counter

from covet.orm import F, TransactionManagementError, atomic, on_commit
from covet.orm.transactions import current_transaction


async def names() -> list[str]:
    return sorted(await Author.objects.values_list("name", flat=True))


async def test_commit_and_rollback() -> None:
    async with atomic():
        await Author.objects.create(name="kept")
    with pytest.raises(RuntimeError):
        async with atomic():
            await Author.objects.create(name="lost")
            assert await Author.objects.filter(name="lost").exists()  # visible inside the block
            raise RuntimeError("boom")
    assert await names() == ["kept"]
    assert current_transaction() is None


async def test_nested_blocks_are_savepoints() -> None:
    async with atomic():
        await Author.objects.create(name="outer")
        with pytest.raises(ValueError):
            async with atomic():
                await Author.objects.create(name="inner-lost")
                raise ValueError
        async with atomic():
            await Author.objects.create(name="inner-kept")
    assert await names() == ["inner-kept", "outer"]


async def test_decorator_form() -> None:
    @atomic()
    async def make(fail: bool) -> None:
        await Author.objects.create(name="decorated")
        if fail:
            raise KeyError

    with pytest.raises(KeyError):
        await make(True)
    await make(False)
    assert await names() == ["decorated"]


async def test_on_commit_hooks() -> None:
    calls: list[str] = []

    async def async_hook() -> None:
        calls.append("async")

    async with atomic():
        on_commit(lambda: calls.append("sync"))
        on_commit(async_hook)
        with pytest.raises(ZeroDivisionError):
            async with atomic():
                on_commit(lambda: calls.append("rolled-back savepoint"))
                _ = 1 / 0
        assert calls == []
    assert calls == ["sync", "async"]
    with pytest.raises(OSError):
        async with atomic():
            on_commit(lambda: calls.append("never"))
            raise OSError
    on_commit(lambda: calls.append("immediate"))
    assert calls == ["sync", "async", "immediate"]


async def test_queries_inside_block_use_its_connection() -> None:
    async with atomic() as connection:
        await Author.objects.create(name="same-connection")
        state = current_transaction()
        assert state is not None and state.connection is connection
        # Another task started outside the block's context can't see the uncommitted row.
        outside = asyncio.get_running_loop().create_task(
            Author.objects.filter(name="same-connection").count(), context=contextvars.Context()
        )
        assert await outside == 0
    assert await Author.objects.filter(name="same-connection").count() == 1


async def test_select_for_update_requires_atomic() -> None:
    await Counter.objects.create(name="c")
    with pytest.raises(TransactionManagementError, match="inside"):
        await Counter.objects.select_for_update().get(name="c")


async def test_concurrent_f_increments_lose_nothing() -> None:
    counter = await Counter.objects.create(name="hits")

    async def bump() -> None:
        await Counter.objects.filter(pk=counter.pk).update(value=F("value") + 1)

    await asyncio.gather(*(bump() for _ in range(50)))
    await counter.refresh_from_db()
    assert counter.value == 50


async def test_concurrent_select_for_update_loses_nothing(backend: str) -> None:
    counter = await Counter.objects.create(name="locked")

    async def bump() -> None:
        # On SQLite the write lock is taken at BEGIN (immediate=True); on PostgreSQL the row lock does it.
        async with atomic(immediate=True):
            row = await Counter.objects.select_for_update().get(pk=counter.pk)
            await asyncio.sleep(0)  # give other tasks a chance to interleave
            row.value += 1
            await row.save(update_fields=["value"])

    await asyncio.gather(*(bump() for _ in range(50)))
    await counter.refresh_from_db()
    assert counter.value == 50
    if backend == "postgresql":
        sql = str(Counter.objects.select_for_update().filter(pk=1).query)
        assert "FOR UPDATE" in sql
