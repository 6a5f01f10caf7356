"""QuerySet basics on both backends: CRUD, lookups, Q, F, ordering, slicing, values, update, delete."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from orm_testapp.models import Author, Book, Counter, Publisher

from covet.exceptions import Http404
from covet.orm import F, Q


@pytest.fixture
async def library() -> dict[str, object]:
    ann = await Author.objects.create(name="Ann", age=30, email="ann@example.com")
    bob = await Author.objects.create(name="Bob", age=45)
    cat = await Author.objects.create(name="cat", age=None)
    acme = await Publisher.objects.create(name="Acme")
    books = [
        await Book.objects.create(
            title="Alpha",
            author=ann,
            publisher=acme,
            price=Decimal("10.50"),
            pages=100,
            published=dt.date(2020, 1, 5),
            rating=4.5,
        ),
        await Book.objects.create(
            title="Beta", author=ann, price=Decimal("20.00"), pages=250, published=dt.date(2021, 6, 1), rating=3.0
        ),
        await Book.objects.create(
            title="Gamma", author=bob, publisher=acme, price=Decimal("5.25"), pages=50, published=dt.date(2021, 12, 31)
        ),
        await Book.objects.create(title="delta 100%_off", author=cat, pages=10),
    ]
    return {"ann": ann, "bob": bob, "cat": cat, "acme": acme, "books": books}


async def titles(queryset: object) -> list[str]:
    return [book.title for book in await queryset]  # type: ignore[attr-defined]


async def test_create_get_save_delete() -> None:
    author = await Author.objects.create(name="Zed", age=1)
    assert author.pk is not None and author._db == "default"
    assert author.joined.tzinfo is not None  # auto_now_add, aware
    fetched = await Author.objects.get(pk=author.pk)
    assert fetched == author and fetched.name == "Zed" and fetched.age == 1
    fetched.age = 2
    await fetched.save()
    assert (await Author.objects.get(pk=author.pk)).age == 2
    fetched.name = "Changed"
    fetched.age = 99
    await fetched.save(update_fields=["age"])
    reloaded = await Author.objects.get(pk=author.pk)
    assert (reloaded.name, reloaded.age) == ("Zed", 99)
    await reloaded.refresh_from_db()
    total, per_model = await reloaded.delete()
    assert total == 1 and per_model == {"orm_testapp.Author": 1}
    assert await Author.objects.filter(name="Zed").exists() is False


async def test_get_errors_and_helpers(library: dict[str, object]) -> None:
    with pytest.raises(Author.DoesNotExist, match="Author matching query does not exist"):
        await Author.objects.get(name="nobody")
    with pytest.raises(Book.MultipleObjectsReturned, match="returned 2"):
        await Book.objects.get(author=library["ann"])
    assert await Author.objects.get_or_none(name="nobody") is None
    with pytest.raises(Http404):
        await Author.objects.get_or_404(name="nobody")
    assert (await Author.objects.get_or_404(name="Ann")).name == "Ann"


async def test_lookups(library: dict[str, object]) -> None:
    b = Book.objects
    assert await titles(b.filter(title__exact="Alpha")) == ["Alpha"]
    assert await titles(b.filter(title__iexact="alpha")) == ["Alpha"]
    assert await titles(b.filter(title__contains="et")) == ["Beta"]
    assert await titles(b.filter(title__contains="ET")) == []  # case-sensitive on both backends
    assert await titles(b.filter(title__icontains="ET")) == ["Beta"]
    assert await titles(b.filter(title__startswith="Al")) == ["Alpha"]
    assert await titles(b.filter(title__istartswith="al")) == ["Alpha"]
    assert await titles(b.filter(title__endswith="ma")) == ["Gamma"]
    assert await titles(b.filter(title__iendswith="MA")) == ["Gamma"]
    assert await titles(b.filter(title__contains="100%_")) == ["delta 100%_off"]  # % and _ are literal
    assert await titles(b.filter(title__contains="%")) == ["delta 100%_off"]
    assert await titles(b.filter(pages__gt=100)) == ["Beta"]
    assert await titles(b.filter(pages__gte=100)) == ["Alpha", "Beta"]
    assert await titles(b.filter(pages__lt=50)) == ["delta 100%_off"]
    assert await titles(b.filter(pages__lte=50)) == ["Gamma", "delta 100%_off"]
    assert await titles(b.filter(pages__in=[10, 250])) == ["Beta", "delta 100%_off"]
    assert await titles(b.filter(pages__in=[])) == []
    assert await titles(b.filter(pages__range=(50, 100))) == ["Alpha", "Gamma"]
    assert await titles(b.filter(publisher__isnull=True)) == ["Beta", "delta 100%_off"]
    assert await titles(b.filter(publisher__isnull=False)) == ["Alpha", "Gamma"]
    assert await titles(b.filter(publisher=None)) == ["Beta", "delta 100%_off"]
    assert await titles(b.filter(title__regex=r"^[AB]")) == ["Alpha", "Beta"]
    assert await titles(b.filter(title__iregex=r"^d")) == ["delta 100%_off"]
    assert await titles(b.filter(published__year=2021)) == ["Beta", "Gamma"]
    assert await titles(b.filter(published__month=12)) == ["Gamma"]
    assert await titles(b.filter(published__day=5)) == ["Alpha"]
    assert await titles(b.filter(published__year__gte=2021, published__month__lt=12)) == ["Beta"]
    assert await titles(b.filter(price__gt="10")) == ["Alpha", "Beta"]
    assert await titles(b.filter(author__name__icontains="AN")) == ["Alpha", "Beta"]
    assert await titles(b.filter(author__age__gt=40)) == ["Gamma"]
    assert await titles(b.filter(author=library["bob"])) == ["Gamma"]
    assert await titles(b.filter(author_id=library["bob"].pk)) == ["Gamma"]  # type: ignore[attr-defined]
    assert await titles(b.filter(author__pk=library["bob"].pk)) == ["Gamma"]  # type: ignore[attr-defined]
    assert await titles(b.filter(publisher__name="Acme", author__name="Bob")) == ["Gamma"]


async def test_datetime_lookups() -> None:
    author = await Author.objects.create(name="Timed")
    stamp = dt.datetime(2022, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    await Author.objects.filter(pk=author.pk).update(joined=stamp)
    assert await Author.objects.filter(joined__date=dt.date(2022, 3, 4)).count() == 1
    assert await Author.objects.filter(joined__year=2022, joined__hour=5).count() == 1
    assert await Author.objects.filter(joined__gt=stamp - dt.timedelta(seconds=1)).count() == 1
    naive = dt.datetime(2022, 3, 4, 5, 6, 7)  # taken as UTC
    assert await Author.objects.filter(joined=naive).count() == 1
    other_zone = stamp.astimezone(dt.timezone(dt.timedelta(hours=5)))
    assert await Author.objects.filter(joined=other_zone).count() == 1
    loaded = await Author.objects.get(pk=author.pk)
    assert loaded.joined == stamp and loaded.joined.utcoffset() == dt.timedelta(0)


async def test_q_objects(library: dict[str, object]) -> None:
    b = Book.objects
    assert await titles(b.filter(Q(pages__gt=200) | Q(title="Alpha"))) == ["Alpha", "Beta"]
    assert await titles(b.filter(~Q(author__name="Ann"))) == ["Gamma", "delta 100%_off"]
    assert await titles(b.filter(Q(author__name="Ann") & ~Q(pages=100))) == ["Beta"]
    assert await titles(b.filter(Q(), title="Alpha")) == ["Alpha"]


async def test_exclude_keeps_null_rows(library: dict[str, object]) -> None:
    assert await titles(Book.objects.exclude(rating__gt=4)) == ["Beta", "Gamma", "delta 100%_off"]
    assert await titles(Book.objects.exclude(publisher__name="Acme")) == ["Beta", "delta 100%_off"]


async def test_f_expressions(library: dict[str, object]) -> None:
    assert await titles(Book.objects.filter(pages__gt=F("price") * 10)) == ["Beta", "delta 100%_off"]
    changed = await Book.objects.filter(author=library["ann"]).update(pages=F("pages") + 1)
    assert changed == 2
    assert await Book.objects.filter(author=library["ann"]).values_list("pages", flat=True) == [101, 251]
    counter = await Counter.objects.create(name="c")
    await Counter.objects.filter(pk=counter.pk).update(value=F("value") + 5)
    await counter.refresh_from_db()
    assert counter.value == 5


async def test_ordering_and_slicing(library: dict[str, object]) -> None:
    assert await titles(Book.objects.all()) == ["Alpha", "Beta", "Gamma", "delta 100%_off"]  # Meta.ordering
    assert await titles(Book.objects.order_by("-pages")) == ["Beta", "Alpha", "Gamma", "delta 100%_off"]
    assert await titles(Book.objects.order_by("author__name", "-title")) == ["Beta", "Alpha", "Gamma", "delta 100%_off"]
    assert await titles(Book.objects.order_by(F("rating").desc(nulls_last=True), "title")) == [
        "Alpha",
        "Beta",
        "Gamma",
        "delta 100%_off",
    ]
    assert len(await Book.objects.order_by("?")) == 4
    assert await titles(Book.objects.order_by("pages")[1:3]) == ["Gamma", "Alpha"]
    assert await titles(Book.objects.order_by("pages")[1:3][1:]) == ["Alpha"]
    assert await titles(Book.objects.reverse()) == ["delta 100%_off", "Gamma", "Beta", "Alpha"]
    assert (await Book.objects.order_by("pages")[2]).title == "Alpha"
    with pytest.raises(IndexError):
        await Book.objects.all()[10]
    with pytest.raises(ValueError, match="Negative"):
        Book.objects.all()[-1]
    with pytest.raises(TypeError, match="after slicing"):
        Book.objects.all()[:2].filter(pages=1)


async def test_count_exists_first_last(library: dict[str, object]) -> None:
    assert await Book.objects.count() == 4
    assert await Book.objects.filter(pages__gt=1000).count() == 0
    assert await Book.objects.all()[:2].count() == 2
    assert await Book.objects.filter(title="Alpha").exists()
    assert not await Book.objects.none().exists()
    assert await Book.objects.none() == []
    assert (await Book.objects.first()).title == "Alpha"  # type: ignore[union-attr]
    assert (await Book.objects.last()).title == "delta 100%_off"  # type: ignore[union-attr]
    assert (await Book.objects.order_by("-pages").first()).title == "Beta"  # type: ignore[union-attr]
    assert await Book.objects.filter(pages=-1).first() is None
    dated = Book.objects.filter(published__isnull=False)  # NULLs sort differently per backend
    assert (await dated.latest("published")).title == "Gamma"
    assert (await dated.earliest("published")).title == "Alpha"


async def test_values_and_values_list(library: dict[str, object]) -> None:
    rows = await Book.objects.filter(author__name="Ann").values("title", "author__name")
    assert rows == [{"title": "Alpha", "author__name": "Ann"}, {"title": "Beta", "author__name": "Ann"}]
    everything = await Book.objects.filter(title="Gamma").values()
    assert everything[0]["title"] == "Gamma" and "author_id" in everything[0]
    assert await Book.objects.values_list("title", "pages").filter(pages__gt=200) == [("Beta", 250)]
    assert await Author.objects.values_list("name", flat=True) == ["Ann", "Bob", "cat"]
    named = await Author.objects.values_list("name", "age", named=True).filter(name="Bob")
    assert named[0].name == "Bob" and named[0].age == 45
    with pytest.raises(TypeError, match="flat=True"):
        Author.objects.values_list("name", "age", flat=True)


async def test_iteration_forms(library: dict[str, object]) -> None:
    seen = [author.name async for author in Author.objects.all()]
    assert seen == ["Ann", "Bob", "cat"]
    queryset = Author.objects.all()
    with pytest.raises(TypeError, match="hasn't been evaluated"):
        list(queryset)
    await queryset
    assert [a.name for a in queryset] == ["Ann", "Bob", "cat"] and len(queryset) == 3


async def test_iterator_streams_in_chunks() -> None:
    await Counter.objects.bulk_create([Counter(name=f"n{i:04d}", value=i) for i in range(1200)])
    seen = 0
    total = 0
    async for counter in Counter.objects.order_by("value").iterator(chunk_size=100):
        seen += 1
        total += counter.value
    assert seen == 1200 and total == sum(range(1200))


async def test_update_and_delete_querysets(library: dict[str, object]) -> None:
    assert await Book.objects.filter(author__name="Ann").update(rating=1.0) == 2
    assert await Book.objects.filter(rating=1.0).count() == 2
    total, per_model = await Book.objects.filter(author__name="Ann").delete()
    assert total == 2 + 0 and per_model["orm_testapp.Book"] == 2
    assert await titles(Book.objects.all()) == ["Gamma", "delta 100%_off"]


async def test_in_bulk_distinct_only_defer(library: dict[str, object]) -> None:
    ann = library["ann"]
    mapping = await Author.objects.in_bulk([ann.pk])  # type: ignore[attr-defined]
    assert mapping[ann.pk].name == "Ann"  # type: ignore[attr-defined]
    assert await Author.objects.in_bulk([]) == {}
    assert set(await Author.objects.in_bulk(["ann@example.com"], field_name="email")) == {"ann@example.com"}
    joined = await Author.objects.filter(books__pages__gt=0).distinct().values_list("name", flat=True)
    assert joined == ["Ann", "Bob", "cat"]
    light = await Author.objects.only("name").get(name="Ann")
    assert light.name == "Ann"
    with pytest.raises(AttributeError, match="deferred"):
        _ = light.age
    await light.refresh_from_db(fields=["age"])
    assert light.age == 30
    heavy = await Book.objects.defer("price", "rating").get(title="Alpha")
    with pytest.raises(AttributeError, match="refresh_from_db"):
        _ = heavy.price


async def test_str_query_explain_and_raw(library: dict[str, object], backend: str) -> None:
    queryset = Book.objects.filter(title="Alpha").order_by("pages")
    sql = str(queryset.query)
    assert "SELECT" in sql and "orm_testapp_book" in sql and "ORDER BY" in sql
    plan = await queryset.explain()
    assert plan.strip()
    rows = await Book.objects.raw("SELECT * FROM orm_testapp_book WHERE title = :title", {"title": "Beta"})
    assert [row.title for row in rows] == ["Beta"] and rows[0].pk == library["books"][1].pk  # type: ignore[index]
    assert rows[0].published == dt.date(2021, 6, 1) and rows[0].price == Decimal("20.00")  # typed like the fields
    partial = await Author.objects.raw("SELECT id, name, joined FROM orm_testapp_author WHERE name = :n", {"n": "Bob"})
    assert partial[0].name == "Bob" and partial[0].joined.tzinfo is not None


async def test_using_alias(library: dict[str, object]) -> None:
    # "other" points at the same database in these tests; the point is that the alias is honoured.
    assert await Author.objects.using("other").count() == 3
    author = await Author.objects.using("other").get(name="Ann")
    assert author._db == "other"
    await author.save()
    assert author._db == "other"
