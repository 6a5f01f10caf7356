"""on_delete rules, applied by the ORM the same way on SQLite and PostgreSQL, inside one transaction."""

from __future__ import annotations

import pytest
from orm_testapp.models import (
    Author,
    Book,
    CascadeChild,
    GrandChild,
    Parent,
    ProtectChild,
    Publisher,
    RestrictChild,
    SetDefaultChild,
    SetNullChild,
    Tag,
)

from covet.orm import ProtectedError, RestrictedError, post_delete, pre_delete


async def test_cascade_set_null_set_default_in_one_delete() -> None:
    parent = await Parent.objects.create(name="p")
    other = await Parent.objects.create(name="other")
    child = await CascadeChild.objects.create(parent=parent)
    await GrandChild.objects.create(child=child)
    await GrandChild.objects.create(child=child)
    nulled = await SetNullChild.objects.create(parent=parent)
    defaulted = await SetDefaultChild.objects.create(parent=parent)
    untouched = await CascadeChild.objects.create(parent=other)
    total, per_model = await parent.delete()
    assert per_model == {"orm_testapp.Parent": 1, "orm_testapp.CascadeChild": 1, "orm_testapp.GrandChild": 2}
    assert total == 4
    assert await GrandChild.objects.count() == 0
    assert await CascadeChild.objects.filter(pk=untouched.pk).exists()
    assert (await SetNullChild.objects.get(pk=nulled.pk)).parent_id is None
    assert (await SetDefaultChild.objects.get(pk=defaulted.pk)).parent_id is None
    assert parent.pk is None


async def test_protect_blocks_and_changes_nothing() -> None:
    parent = await Parent.objects.create(name="p")
    await ProtectChild.objects.create(parent=parent)
    await CascadeChild.objects.create(parent=parent)
    with pytest.raises(ProtectedError, match=r"PROTECT foreign key ProtectChild\.parent") as info:
        await parent.delete()
    assert len(info.value.protected_objects) == 1
    assert await Parent.objects.count() == 1 and await CascadeChild.objects.count() == 1
    with pytest.raises(ProtectedError):
        await Parent.objects.all().delete()
    assert await Parent.objects.count() == 1


async def test_restrict_blocks_unless_reached_by_cascade() -> None:
    parent = await Parent.objects.create(name="p")
    await RestrictChild.objects.create(parent=parent)
    with pytest.raises(RestrictedError, match="RESTRICT"):
        await parent.delete()
    assert await Parent.objects.count() == 1
    # The restricted row is also deleted through a cascade path (parent -> CascadeChild -> RestrictChild.via).
    second = await Parent.objects.create(name="q")
    via = await CascadeChild.objects.create(parent=second)
    await RestrictChild.objects.create(parent=second, via=via)
    await second.delete()
    assert not await Parent.objects.filter(pk=second.pk).exists()
    assert await RestrictChild.objects.count() == 1


async def test_queryset_delete_cascades_and_m2m_links_go() -> None:
    author = await Author.objects.create(name="a")
    publisher = await Publisher.objects.create(name="pub")
    book = await Book.objects.create(title="t", author=author, publisher=publisher)
    tag = await Tag.objects.create(name="tag")
    await book.tags.add(tag)
    await publisher.delete()
    assert (await Book.objects.get(pk=book.pk)).publisher_id is None
    _total, per_model = await Author.objects.filter(name="a").delete()
    assert per_model["orm_testapp.Book"] == 1 and per_model["orm_testapp.Book_tags"] == 1
    assert await tag.books.count() == 0 and await Tag.objects.count() == 1


async def test_delete_signals_for_cascaded_objects() -> None:
    seen: list[tuple[str, str]] = []

    async def before(sender: type, instance: object, **kwargs: object) -> None:
        seen.append(("pre", type(instance).__name__))

    def after(sender: type, instance: object, **kwargs: object) -> None:
        seen.append(("post", type(instance).__name__))

    pre_delete.connect(before, sender=CascadeChild)
    post_delete.connect(after)
    try:
        parent = await Parent.objects.create(name="p")
        await CascadeChild.objects.create(parent=parent)
        await parent.delete()
    finally:
        pre_delete.disconnect(before, sender=CascadeChild)
        post_delete.disconnect(after)
    assert ("pre", "CascadeChild") in seen and ("post", "CascadeChild") in seen and ("post", "Parent") in seen


async def test_database_foreign_keys_are_enforced() -> None:
    from covet.orm import IntegrityError

    with pytest.raises(IntegrityError):
        await CascadeChild.objects.create(parent_id=999_999)
    assert await CascadeChild.objects.count() == 0
