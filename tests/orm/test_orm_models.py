"""Model definition: _meta contract, generated tables and constraint names, inheritance, instances."""

from __future__ import annotations

import pickle
import uuid

import pytest
import sqlalchemy as sa
from orm_testapp.models import Article, Author, Book, Everything, Note, Product, Tag

from covet.conf.apps import apps
from covet.orm import CASCADE, CharField, ForeignKey, Model, registry
from covet.orm.base import ModelBase
from covet.orm.exceptions import FieldError


def test_meta_contract() -> None:
    meta = Book._meta
    assert (meta.app_label, meta.model_name, meta.db_table) == ("orm_testapp", "book", "orm_testapp_book")
    assert [f.name for f in meta.fields] == [
        "id",
        "title",
        "author",
        "publisher",
        "price",
        "pages",
        "rating",
        "published",
    ]
    assert meta.get_field("author").attname == "author_id" and meta.pk is meta.get_field("id")
    assert meta.get_field("author_id") is meta.get_field("author")
    assert [f.name for f in meta.many_to_many] == ["tags"]
    assert meta.ordering == ["title"] and not meta.abstract
    assert meta.verbose_name == "book" and meta.verbose_name_plural == "books"
    assert isinstance(meta.table, sa.Table) and meta.table.metadata is registry.metadata
    assert apps.get_model("orm_testapp.Book") is Book


def test_generated_table() -> None:
    table = Book._meta.table
    assert list(table.c.keys()) == ["id", "title", "author_id", "publisher_id", "price", "pages", "rating", "published"]
    assert table.c.id.primary_key and table.c.title.type.length == 200 and not table.c.title.nullable
    assert table.c.publisher_id.nullable
    fk_names = {fk.name for fk in table.foreign_key_constraints}
    assert fk_names == {
        "fk_orm_testapp_book_author_id_orm_testapp_author",
        "fk_orm_testapp_book_publisher_id_orm_testapp_publisher",
    }
    index_names = {index.name for index in table.indexes}
    assert "ix_orm_testapp_book_author_published" in index_names
    through = registry.metadata.tables["orm_testapp_book_tags"]
    assert set(through.c.keys()) == {"id", "book_id", "tag_id"}
    uniques = {c.name for c in through.constraints if isinstance(c, sa.UniqueConstraint)}
    assert uniques == {"uq_orm_testapp_book_tags_book_id_tag_id"}
    product = Product._meta.table
    names = {c.name for c in product.constraints}
    assert {"ck_orm_testapp_product_price_non_negative", "uniq_vendor_sku"} <= names
    assert Author._meta.table.c.email.unique
    assert "ck_orm_testapp_author_age_gte_0" in {c.name for c in Author._meta.table.constraints}


def test_abstract_inheritance_and_custom_managers() -> None:
    assert [f.name for f in Note._meta.fields] == ["id", "created", "updated", "body"]
    assert Note._meta.get_field("created").model is Note
    from orm_testapp.models import Stamped

    assert Stamped._meta.abstract
    with pytest.raises(TypeError, match="abstract"):
        Stamped()
    assert [m.name for m in Article._meta.managers] == ["objects", "live"]
    assert hasattr(Article.objects.all(), "published")


def test_definition_errors() -> None:
    with pytest.raises(TypeError, match="unknown option"):

        class BadMeta(Model):
            class Meta:
                app_label = "orm_testapp"
                ordring = ["x"]

    with pytest.raises(TypeError, match="multi-table inheritance"):

        class SubAuthor(Author):
            class Meta:
                app_label = "orm_testapp"

    with pytest.raises(TypeError, match="on_delete"):
        ForeignKey(Author, on_delete="cascade")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="null=True"):
        from covet.orm import SET_NULL

        ForeignKey(Author, on_delete=SET_NULL)


def test_lazy_reference_to_missing_model_says_so() -> None:
    label = f"lazy{uuid.uuid4().hex[:8]}"

    def define(class_name: str, **fields: object) -> type[Model]:
        meta = type("Meta", (), {"app_label": label})
        return ModelBase(class_name, (Model,), {"__module__": __name__, "Meta": meta, **fields})  # type: ignore[return-value]

    dangling = define("Dangling", target=ForeignKey(f"{label}.Target", on_delete=CASCADE))
    with pytest.raises(FieldError, match=f"target -> '{label}.Target'"):
        _ = dangling._meta.table
    target = define("Target", name=CharField(max_length=5))
    assert dangling._meta.table.c.target_id.references(target._meta.table.c.id)
    registry.metadata.remove(dangling._meta.table)
    registry.metadata.remove(target._meta.table)


def test_instances() -> None:
    author = Author(name="Ann")
    assert author.pk is None and author._db is None and repr(author) == "<Author: Ann>"
    with pytest.raises(TypeError, match="unhashable"):
        hash(author)
    assert Author(pk=1, name="x") == Author(pk=1, name="y") and Author(pk=1) != Tag(pk=1)
    with pytest.raises(TypeError, match=r"unexpected keyword argument.*nickname"):
        Author(name="x", nickname="y")
    with pytest.raises(TypeError, match="many-to-many"):
        Book(title="x", tags=[])
    with pytest.raises(AttributeError, match="Manager isn't accessible"):
        _ = author.objects
    copy = pickle.loads(pickle.dumps(Author(pk=3, name="p")))
    assert copy.pk == 3 and copy.name == "p"
    assert str(Everything(pk=4)) == "Everything object (4)"


async def test_signals_and_auto_now() -> None:
    from covet.orm import post_save, pre_save

    events: list[tuple[str, bool | None]] = []

    async def before(sender: type, instance: Note, **kwargs: object) -> None:
        events.append(("pre", None))
        instance.body = instance.body.strip()

    def after(sender: type, instance: Note, created: bool, **kwargs: object) -> None:
        events.append(("post", created))

    pre_save.connect(before, sender=Note)
    post_save.connect(after, sender=Note)
    try:
        note = await Note.objects.create(body="  hi  ")
        first_update = note.updated
        await note.save()
    finally:
        pre_save.disconnect(before, sender=Note)
        post_save.disconnect(after, sender=Note)
    assert events == [("pre", None), ("post", True), ("pre", None), ("post", False)]
    assert (await Note.objects.get(pk=note.pk)).body == "hi"
    assert note.updated >= first_update and note.created <= note.updated


async def test_custom_managers_and_querysets() -> None:
    await Article.objects.create(title="draft")
    await Article.objects.create(title="live", published=True)
    assert [a.title for a in await Article.live.all()] == ["live"]
    assert [a.title for a in await Article.objects.all().published()] == ["live"]
    assert await Article.objects.count() == 2
