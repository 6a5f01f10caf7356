"""QuerySets of the same shape reuse one built statement with new values — and still return the right rows."""

from __future__ import annotations

import datetime as dt

import pytest
from orm_testapp.models import Author, Book, Tag

from covet.exceptions import ValidationError
from covet.orm.query.cache import compile_cached, shape_key


@pytest.fixture
async def books() -> list[Book]:
    ann = await Author.objects.create(name="Ann", age=30)
    bob = await Author.objects.create(name="Bob", age=40)
    made = []
    for index, (title, author) in enumerate([("a_1%", ann), ("b_2", ann), ("c_3", bob), ("d 4", bob)]):
        made.append(
            await Book.objects.create(
                title=title, author=author, pages=index * 10, published=dt.date(2020 + index, 1, 1)
            )
        )
    tag = await Tag.objects.create(name="t")
    await made[0].tags.add(tag)
    return made


async def titles(queryset: object) -> list[str]:
    return [book.title for book in await queryset]  # type: ignore[attr-defined]


async def test_same_shape_reuses_the_statement() -> None:
    first = compile_cached(Book.objects.filter(pages__gt=1, title__contains="x").order_by("-pages")[:5].query)
    second = compile_cached(Book.objects.filter(pages__gt=99, title__contains="y").order_by("-pages")[:5].query)
    assert first[0] is second[0]
    assert first[2] == {"cv0": "%x%", "cv1": 1} or first[2] == {"cv0": 1, "cv1": "%x%"}
    assert set(second[2].values()) == {99, "%y%"}  # type: ignore[union-attr]
    other = compile_cached(Book.objects.filter(pages__gt=1).order_by("-pages")[:6].query)
    assert other[0] is not first[0]  # a different slice is a different shape
    assert shape_key(Book.objects.filter(pages=None).query) != shape_key(Book.objects.filter(pages=1).query)
    from covet.orm import F

    assert shape_key(Book.objects.filter(pages=F("pages")).query) is None


@pytest.mark.parametrize("repeat", [0, 1])
async def test_cached_values_give_the_right_rows(books: list[Book], repeat: int) -> None:
    q = Book.objects
    for value, expected in [(0, ["b_2", "c_3", "d 4"]), (15, ["c_3", "d 4"]), (100, [])]:
        assert await titles(q.filter(pages__gt=value)) == expected
    for pattern, expected in [("_", ["a_1%", "b_2", "c_3"]), ("%", ["a_1%"]), ("4", ["d 4"])]:
        assert await titles(q.filter(title__contains=pattern)) == expected
    for pattern, expected in [("A_", ["a_1%"]), ("C", ["c_3"])]:
        assert await titles(q.filter(title__istartswith=pattern)) == expected
    assert await titles(q.filter(pages__in=[0, 30])) == ["a_1%", "d 4"]
    assert await titles(q.filter(pages__in=[10])) == ["b_2"]
    assert await titles(q.filter(pages__in=[])) == []
    assert await titles(q.filter(pages__range=(5, 25))) == ["b_2", "c_3"]
    assert await titles(q.filter(pages__range=(25, 35))) == ["d 4"]
    assert await titles(q.filter(published__year=2021)) == ["b_2"]
    assert await titles(q.filter(published__year=2023)) == ["d 4"]
    assert await titles(q.filter(published__gte=dt.date(2022, 1, 1))) == ["c_3", "d 4"]
    assert await titles(q.filter(publisher__isnull=True)) == ["a_1%", "b_2", "c_3", "d 4"]
    assert await titles(q.filter(publisher__isnull=False)) == []
    assert await titles(q.filter(author=books[0].author_id)) == ["a_1%", "b_2"]
    assert await titles(q.filter(author=books[2].author_id)) == ["c_3", "d 4"]
    ann, bob = await Author.objects.order_by("name")
    assert await titles(q.filter(author=ann)) == ["a_1%", "b_2"]
    assert await titles(q.filter(author=bob)) == ["c_3", "d 4"]
    assert await titles(q.filter(author__name__iexact="BOB")) == ["c_3", "d 4"]
    assert await titles(q.exclude(tags__name="t")) == ["b_2", "c_3", "d 4"]
    assert await titles(q.exclude(tags__name="zzz")) == ["a_1%", "b_2", "c_3", "d 4"]
    assert [b.author.name for b in await q.select_related("author").filter(pages__lt=15)] == ["Ann", "Ann"]
    assert [b.author.name for b in await q.select_related("author").filter(pages__lt=25)] == ["Ann", "Ann", "Bob"]


async def test_bad_values_still_fail_before_sql_on_a_cache_hit(books: list[Book], count_queries) -> None:
    assert await titles(Book.objects.filter(pages__gt=1)) == ["b_2", "c_3", "d 4"]
    with count_queries() as log, pytest.raises(ValidationError, match="pages"):
        await Book.objects.filter(pages__gt="many")
    assert len(log) == 0
