"""Relations on both backends: FK/O2O/M2M, reverse managers, through models, select_related, prefetch_related."""

from __future__ import annotations

import pytest
from orm_testapp.models import Author, Book, Club, Membership, Node, Person, Profile, Publisher, Tag

from covet.orm import FieldError, Prefetch


@pytest.fixture
async def shelf() -> dict[str, object]:
    ann = await Author.objects.create(name="Ann")
    bob = await Author.objects.create(name="Bob")
    acme = await Publisher.objects.create(name="Acme")
    tags = [await Tag.objects.create(name=name) for name in ("py", "db", "web")]
    books = []
    for index, (title, author) in enumerate([("A1", ann), ("A2", ann), ("B1", bob)]):
        book = await Book.objects.create(title=title, author=author, publisher=acme if index != 1 else None)
        await book.tags.add(*tags[: index + 1])
        books.append(book)
    await Profile.objects.create(author=ann, bio="hello")
    return {"ann": ann, "bob": bob, "acme": acme, "tags": tags, "books": books}


async def test_forward_foreign_key_access(shelf: dict[str, object]) -> None:
    book = await Book.objects.get(title="A1")
    unloaded = book.author
    with pytest.raises(AttributeError, match="select_related"):
        _ = unloaded.name
    author = await book.author
    assert author.name == "Ann" and book.author is author  # cached after loading
    book.author = shelf["bob"]
    assert book.author_id == shelf["bob"].pk  # type: ignore[attr-defined]
    await book.save()
    assert (await Book.objects.select_related("author").get(pk=book.pk)).author.name == "Bob"
    orphan = await Book.objects.get(title="A2")
    assert orphan.publisher is None


async def test_unsaved_related_object_is_refused() -> None:
    author = Author(name="Unsaved")
    book = Book(title="x", author=author)
    with pytest.raises(ValueError, match="unsaved"):
        await book.save()
    assert await Book.objects.count() == 0


async def test_reverse_managers(shelf: dict[str, object]) -> None:
    ann = shelf["ann"]
    assert [b.title for b in await ann.books.all()] == ["A1", "A2"]  # type: ignore[attr-defined]
    assert await ann.books.filter(title="A2").count() == 1  # type: ignore[attr-defined]
    created = await ann.books.create(title="A3")  # type: ignore[attr-defined]
    assert created.author_id == ann.pk  # type: ignore[attr-defined]
    b1 = shelf["books"][2]  # type: ignore[index]
    await ann.books.add(b1)  # type: ignore[attr-defined]
    assert await ann.books.count() == 4  # type: ignore[attr-defined]
    acme = shelf["acme"]
    await acme.books.remove(b1)  # type: ignore[attr-defined]
    assert await acme.books.count() == 1  # type: ignore[attr-defined]
    await acme.books.clear()  # type: ignore[attr-defined]
    assert await acme.books.count() == 0  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match="null=True"):
        await ann.books.clear()  # type: ignore[attr-defined]
    profile = await ann.profile  # type: ignore[attr-defined]
    assert profile.bio == "hello"
    with pytest.raises(Profile.DoesNotExist):
        await shelf["bob"].profile  # type: ignore[attr-defined]


async def test_many_to_many(shelf: dict[str, object]) -> None:
    _a1, _a2, b1 = shelf["books"]  # type: ignore[misc]
    py, db, web = shelf["tags"]  # type: ignore[misc]
    assert [t.name for t in await b1.tags.order_by("name")] == ["db", "py", "web"]
    await b1.tags.remove(db)
    assert await b1.tags.count() == 2
    await b1.tags.add(py, web)  # existing links are kept, not duplicated
    assert await b1.tags.count() == 2
    await b1.tags.set([db])
    assert [t.name for t in await b1.tags.all()] == ["db"]
    assert sorted(b.title for b in await py.books.all()) == ["A1", "A2"]  # reverse side
    fresh = await b1.tags.create(name="new")
    assert await fresh.books.count() == 1
    await b1.tags.clear()
    assert await b1.tags.count() == 0
    assert await Book.objects.filter(tags__name="py").distinct().count() == 2
    assert [t.name for t in await Tag.objects.filter(books__title="A1")] == ["py"]


async def test_custom_through_model() -> None:
    alice = await Person.objects.create(name="alice")
    chess = await Club.objects.create(name="chess")
    await Membership.objects.create(person=alice, club=chess, role="captain")
    assert [p.name for p in await chess.members.all()] == ["alice"]
    assert [c.name for c in await alice.clubs.all()] == ["chess"]
    go = await Club.objects.create(name="go")
    await go.members.add(alice, through_defaults={"role": "guest"})
    assert await Membership.objects.filter(role="guest").count() == 1
    assert await Person.objects.filter(clubs__name="go").count() == 1


async def test_self_reference_and_lazy_strings() -> None:
    root = await Node.objects.create(name="root")
    child = await Node.objects.create(name="child", parent=root)
    await Node.objects.create(name="leaf", parent=child)
    assert [n.name for n in await root.children.all()] == ["child"]
    leaf = await Node.objects.select_related("parent__parent").get(name="leaf")
    assert leaf.parent.name == "child" and leaf.parent.parent.name == "root"
    assert Book._meta.get_field("author").remote_model is Author


async def test_select_related_uses_one_query(shelf: dict[str, object], count_queries) -> None:
    with count_queries() as log:
        books = await Book.objects.select_related("author", "publisher").order_by("title")
        names = [(b.title, b.author.name, b.publisher.name if b.publisher else None) for b in books]
    assert names == [("A1", "Ann", "Acme"), ("A2", "Ann", None), ("B1", "Bob", "Acme")]
    assert len(log) == 1 and "JOIN" in log.statements[0]
    with pytest.raises(FieldError, match="Choices are: author, publisher"):
        await Book.objects.select_related("tags")


async def test_prefetch_related_query_counts(shelf: dict[str, object], count_queries) -> None:
    for index in range(10):
        author = await Author.objects.create(name=f"extra{index}")
        await Book.objects.create(title=f"E{index}", author=author)
    with count_queries() as log:
        authors = await Author.objects.prefetch_related("books__tags", "profile")
        summary = {a.name: sorted(b.title for b in a.books.all()) for a in authors}
        tags = {b.title: [t.name for t in b.tags.all()] for a in authors for b in a.books.all()}
        profiles = {a.name: a.profile.bio if a.profile else None for a in authors}
    assert len(log) == 4, log  # authors, books, tags, profiles
    assert summary["Ann"] == ["A1", "A2"] and summary["extra3"] == ["E3"]
    assert sorted(tags["B1"]) == ["db", "py", "web"] and profiles["Ann"] == "hello" and profiles["Bob"] is None
    with count_queries() as log:
        books = await Book.objects.prefetch_related(
            "author", Prefetch("tags", Tag.objects.filter(name="py"), to_attr="py_tags")
        )
        assert {b.title: b.author.name for b in books}["B1"] == "Bob"
        assert sum(len(b.py_tags) for b in books) == 3
    assert len(log) == 3
    with pytest.raises(FieldError, match="Cannot prefetch"):
        await Author.objects.prefetch_related("nonsense")


async def test_fetch_related_on_instance(shelf: dict[str, object], count_queries) -> None:
    book = await Book.objects.get(title="B1")
    await book.fetch_related("author", "tags")
    with count_queries() as log:
        assert book.author.name == "Bob" and len(list(book.tags.all())) == 3
    assert len(log) == 0
    assert book.to_dict(fields=["title", "author", "tags"]) == {
        "title": "B1",
        "author": shelf["bob"].pk,
        "tags": [t.pk for t in book.tags.all()],
    }  # type: ignore[attr-defined]


async def test_filter_across_reverse_relations(shelf: dict[str, object]) -> None:
    assert [a.name for a in await Author.objects.filter(books__title="B1")] == ["Bob"]
    assert [a.name for a in await Author.objects.filter(profile__bio="hello")] == ["Ann"]
    assert await Publisher.objects.filter(books__author__name="Ann").distinct().count() == 1
    assert await Author.objects.filter(books__tags__name="web").count() == 1


async def test_exclude_across_many_relations_means_none_match(shelf: dict[str, object]) -> None:
    # Ann has A1 and A2: "exclude authors with a book titled A1" must drop Ann even though A2 isn't A1.
    assert [a.name for a in await Author.objects.exclude(books__title="A1")] == ["Bob"]
    assert [b.title for b in await Book.objects.exclude(tags__name="db").order_by("title")] == ["A1"]
    assert [a.name for a in await Author.objects.exclude(books__title="nope")] == ["Ann", "Bob"]
    assert [b.title for b in await Book.objects.exclude(author__name="Ann")] == ["B1"]  # forward: plain NOT
