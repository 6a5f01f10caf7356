"""annotate() and aggregate() with Count/Sum/Avg/Min/Max, filter=Q, and filtering on annotations."""

from __future__ import annotations

from decimal import Decimal

import pytest
from orm_testapp.models import Author, Book

from covet.orm import Avg, Count, F, Max, Min, Q, Sum


@pytest.fixture
async def sales() -> None:
    ann = await Author.objects.create(name="Ann")
    bob = await Author.objects.create(name="Bob")
    await Author.objects.create(name="Cid")
    for title, author, price, pages in [("a", ann, "10.00", 100), ("b", ann, "30.00", 300), ("c", bob, "5.50", 50)]:
        await Book.objects.create(title=title, author=author, price=Decimal(price), pages=pages)


async def test_aggregate(sales: None) -> None:
    result = await Book.objects.aggregate(
        total=Sum("price"), mean=Avg("pages"), low=Min("price"), high=Max("pages"), n=Count("id")
    )
    assert result == {"total": Decimal("45.50"), "mean": 150.0, "low": Decimal("5.50"), "high": 300, "n": 3}
    assert await Book.objects.filter(author__name="Ann").aggregate(Sum("pages")) == {"pages__sum": 400}
    assert await Book.objects.filter(pages__gt=1000).aggregate(total=Sum("price")) == {"total": None}
    assert await Book.objects.aggregate(expensive=Count("id", filter=Q(price__gte=10))) == {"expensive": 2}
    assert await Book.objects.order_by("-pages")[:2].aggregate(total=Sum("pages")) == {"total": 400}
    assert await Author.objects.aggregate(books=Count("books")) == {"books": 3}


async def test_annotate(sales: None) -> None:
    authors = await Author.objects.annotate(n=Count("books"), pages=Sum("books__pages")).order_by("name")
    assert [(a.name, a.n, a.pages) for a in authors] == [("Ann", 2, 400), ("Bob", 1, 50), ("Cid", 0, None)]
    busy = await Author.objects.annotate(n=Count("books")).filter(n__gte=1).order_by("-n")
    assert [a.name for a in busy] == ["Ann", "Bob"]
    priced = await Author.objects.annotate(big=Count("books", filter=Q(books__price__gt=6))).order_by("name")
    assert [a.big for a in priced] == [2, 0, 0]
    doubled = await Book.objects.annotate(double=F("pages") * 2).order_by("double")
    assert [b.double for b in doubled] == [100, 200, 600]
    rows = await Book.objects.values("author__name").annotate(n=Count("id")).order_by("author__name")
    assert rows == [{"author__name": "Ann", "n": 2}, {"author__name": "Bob", "n": 1}]
    assert await Author.objects.annotate(n=Count("books")).filter(n=0).count() == 1
    with pytest.raises(ValueError, match="conflicts"):
        Author.objects.annotate(name=Count("books"))
