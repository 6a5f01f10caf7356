"""Engines from settings: URL handling, pool options, SQLite tuning, aliases and their errors."""

from __future__ import annotations

import pytest
from orm_testapp.models import Author, Book, CascadeChild, Counter, Parent, Tag

from covet.conf import settings
from covet.exceptions import ImproperlyConfigured
from covet.orm import SET, TransactionManagementError, close_all, get_engine, on_commit
from covet.orm.connections import async_url


def test_plain_urls_get_async_drivers() -> None:
    assert async_url("postgresql://u@h/db").drivername == "postgresql+asyncpg"
    assert async_url("postgres://u@h/db").drivername == "postgresql+asyncpg"
    assert async_url("sqlite:///x.db").get_backend_name() == "sqlite"
    assert async_url("sqlite+aiosqlite:///x.db").get_dialect().is_async
    with pytest.raises(ImproperlyConfigured, match="Unsupported database URL scheme 'mysql'"):
        async_url("mysql://u@h/db")


async def test_missing_alias_and_url_say_how_to_fix() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"'nowhere' isn't in settings\.DATABASES.*default"):
        get_engine("nowhere")
    with settings.override(DATABASES={"default": {}}), pytest.raises(ImproperlyConfigured, match='no "URL"'):
        get_engine()


async def test_engine_is_cached_per_alias_and_pool_settings_apply(backend: str) -> None:
    engine = get_engine()
    assert get_engine() is engine and get_engine("other") is not engine
    databases = {alias: dict(config) for alias, config in settings.DATABASES.items()}
    databases["default"].update(POOL_SIZE=3, MAX_OVERFLOW=4, POOL_TIMEOUT=7)
    with settings.override(DATABASES=databases):
        tuned = get_engine()
        assert tuned is not engine
        assert (tuned.pool.size(), tuned.pool._max_overflow, tuned.pool._timeout) == (3, 4, 7)  # type: ignore[attr-defined]
        assert await Author.objects.count() == 0
        await close_all()


async def test_sqlite_connections_are_tuned(backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("SQLite pragmas")
    async with get_engine().connect() as conn:
        pragmas = {
            name: (await conn.exec_driver_sql(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "busy_timeout", "foreign_keys")
        }
    assert pragmas == {"journal_mode": "wal", "busy_timeout": 5000, "foreign_keys": 1}
    assert get_engine().dialect.driver == "covet"


async def test_async_on_commit_outside_a_block_is_an_error() -> None:
    async def hook() -> None:
        pass

    with pytest.raises(TransactionManagementError, match="await it directly"):
        on_commit(hook)


async def test_set_value_rule_and_iterator_with_prefetch() -> None:
    from covet.orm import CASCADE, ForeignKey

    field = ForeignKey(Parent, on_delete=SET(lambda: None), null=True)
    assert field.on_delete.replacement(field) is None
    parent = await Parent.objects.create(name="p")
    await CascadeChild.objects.create(parent=parent)
    assert CASCADE is not field.on_delete
    for index in range(5):
        author = await Author.objects.create(name=f"a{index}")
        await Book.objects.create(title=f"b{index}", author=author)
    titles = []
    async for author in Author.objects.prefetch_related("books").iterator(chunk_size=2):
        titles.extend(book.title for book in author.books.all())
    assert sorted(titles) == [f"b{i}" for i in range(5)]


async def test_counter_and_tag_tables_start_empty() -> None:
    # Isolation between tests: every test starts with empty tables.
    assert await Counter.objects.count() == 0 and await Tag.objects.count() == 0
