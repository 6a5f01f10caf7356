"""ModelForm against a real database (SQLite file and PostgreSQL): generated fields, validation through the
model's full_clean(), creating and updating instances with their many-to-many links."""

from __future__ import annotations

import decimal
from typing import Any

import pytest
from forms_testapp.models import Article, Author, Tag

from covet.exceptions import ImproperlyConfigured
from covet.forms import (
    BooleanField,
    CharField,
    DateField,
    DecimalField,
    EmailField,
    IntegerField,
    JSONField,
    ModelChoiceField,
    ModelForm,
    ModelMultipleChoiceField,
    SlugField,
    Textarea,
    TypedChoiceField,
    URLField,
    UUIDField,
)


class ArticleForm(ModelForm):
    class Meta:
        model = Article
        fields = "__all__"


class AuthorForm(ModelForm):
    class Meta:
        model = Author
        fields = ["name", "email"]
        labels = {"name": "Full name"}


def test_fields_follow_the_model() -> None:
    fields = ArticleForm.base_fields
    assert list(fields) == ["title", "slug", "body", "status", "rating", "price", "published", "publish_on", "website",
                            "external_id", "extra", "author", "tags"]  # fmt: skip
    expected_types = {"title": CharField, "slug": SlugField, "body": CharField, "status": TypedChoiceField,
                      "rating": IntegerField, "price": DecimalField, "published": BooleanField,
                      "publish_on": DateField, "website": URLField, "external_id": UUIDField, "extra": JSONField,
                      "author": ModelChoiceField, "tags": ModelMultipleChoiceField}  # fmt: skip
    for name, expected in expected_types.items():
        assert type(fields[name]) is expected, name
    assert fields["title"].required and fields["title"].max_length == 200  # type: ignore[attr-defined]
    assert not fields["body"].required and isinstance(fields["body"].widget, Textarea)
    assert fields["rating"].min_value == 0  # type: ignore[attr-defined]
    assert not fields["published"].required and not fields["tags"].required
    assert fields["status"].initial == "draft"
    assert type(AuthorForm.base_fields["email"]) is EmailField
    assert AuthorForm.base_fields["name"].label == "Full name"
    assert "views" not in fields and "created" not in fields and "id" not in fields  # not editable


def test_meta_must_list_fields_and_names_must_exist() -> None:
    with pytest.raises(ImproperlyConfigured, match="Meta must list the editable fields"):

        class NoFields(ModelForm):
            class Meta:
                model = Author

    with pytest.raises(ImproperlyConfigured, match=r"Unknown field\(s\) nickname .* its fields are: id, name, email"):

        class Typo(ModelForm):
            class Meta:
                model = Author
                fields = ["nickname"]

    with pytest.raises(ImproperlyConfigured, match=r"Article\.created is not editable"):

        class NotEditable(ModelForm):
            class Meta:
                model = Article
                fields = ["title", "created"]


def test_exclude_and_declared_fields_win() -> None:
    class Short(ModelForm):
        title = CharField(max_length=10, label="Headline")

        class Meta:
            model = Article
            exclude = ["body", "extra", "tags"]

    assert "body" not in Short.base_fields and "tags" not in Short.base_fields
    assert Short.base_fields["title"].label == "Headline"


async def author(name: str = "Ada", email: str = "ada@example.com") -> Author:
    return await Author.objects.create(name=name, email=email)


async def test_create_with_foreign_key_and_many_to_many(database: str) -> None:
    ada = await author()
    red, blue = await Tag.objects.create(name="red"), await Tag.objects.create(name="blue")
    data = {"title": "Hello", "slug": "hello", "body": "Text", "status": "live", "rating": "4", "price": "9.50",
            "published": "on", "author": str(ada.pk), "extra": '{"k": 1}'}  # fmt: skip
    data["tags"] = [str(red.pk), str(blue.pk)]
    form = ArticleForm(data)
    assert await form.is_valid(), form.errors
    article = await form.save()
    assert article.pk is not None
    fresh = await Article.objects.get(pk=article.pk)
    assert (fresh.title, fresh.status, fresh.rating, fresh.price, fresh.published) == (
        "Hello", "live", 4, decimal.Decimal("9.50"), True)  # fmt: skip
    assert fresh.author_id == ada.pk and fresh.extra == {"k": 1}
    assert sorted(tag.name for tag in await fresh.tags.all()) == ["blue", "red"]


async def test_update_existing_instance(database: str) -> None:
    ada, bob = await author(), await author("Bob", "bob@example.com")
    tag = await Tag.objects.create(name="news")
    article = await Article.objects.create(title="Old", slug="old", body="b", author=ada)
    await article.tags.set([tag])

    form = ArticleForm(instance=article)
    await form.load_choices()
    assert form.initial["title"] == "Old" and form.initial["author"] == ada.pk and form.initial["tags"] == [tag.pk]
    html = str(form.as_div())
    assert f'<option value="{ada.pk}" selected>Ada</option>' in html
    assert f'<option value="{tag.pk}" selected>news</option>' in html
    assert 'value="Old"' in html

    data = {"title": "New", "slug": "old", "body": "b", "status": "draft", "rating": "0", "author": str(bob.pk)}
    form = ArticleForm(data, instance=article)
    await form.load_choices()  # also loads the instance's current tags, so clearing them counts as a change
    assert await form.is_valid(), form.errors
    assert form.changed_data == ["title", "author", "tags"]
    await form.save()
    fresh = await Article.objects.get(pk=article.pk)
    assert fresh.title == "New" and fresh.author_id == bob.pk
    assert await fresh.tags.all() == []
    assert await Article.objects.count() == 1


async def test_model_validation_errors_become_form_errors_and_nothing_is_saved(database: str) -> None:
    ada = await author()
    await Article.objects.create(title="First", slug="taken", author=ada)
    data = {"title": "Second", "slug": "taken", "body": "", "status": "live", "rating": "1", "author": str(ada.pk)}
    form = ArticleForm(data)
    assert not await form.is_valid()
    assert form.errors["body"] == ["A published article needs a body."]  # Article.clean()
    assert any("slug" in message.lower() or "already exists" in message for message in form.errors["slug"])
    with pytest.raises(ValueError, match="could not be created because the data didn't validate"):
        await form.save()
    assert await Article.objects.count() == 1


async def test_bad_choices_are_refused(database: str) -> None:
    ada = await author()
    base = {"title": "T", "slug": "t", "status": "draft", "rating": "0"}
    not_available = "Select a valid choice. {} is not one of the available choices."
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"author": "999999"}, "author", not_available.format("That choice")),
        ({"author": "not-a-number"}, "author", not_available.format("That choice")),
        ({"author": str(ada.pk), "tags": ["424242"]}, "tags", not_available.format("424242")),
        ({"author": str(ada.pk), "status": "deleted"}, "status", not_available.format("deleted")),
        ({"author": ""}, "author", "This field is required."),
    ]
    for extra, field, message in cases:
        form = ArticleForm({**base, **extra})
        assert not await form.is_valid()
        assert form.errors[field] == [message], extra
    assert await Article.objects.count() == 0


async def test_restricted_queryset_restricts_choices(database: str) -> None:
    ada, bob = await author(), await author("Bob", "bob@example.com")

    class OnlyAda(ModelForm):
        class Meta:
            model = Article
            fields = ["title", "slug", "author"]

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.fields["author"].queryset = Author.objects.filter(name="Ada")  # type: ignore[attr-defined]

    assert not await OnlyAda({"title": "T", "slug": "t", "author": str(bob.pk)}).is_valid()
    form = OnlyAda({"title": "T", "slug": "t", "author": str(ada.pk)})
    assert await form.is_valid()
    await form.load_choices()
    assert f'value="{bob.pk}"' not in str(form["author"])


async def test_rendering_before_loading_choices_says_what_to_do(database: str) -> None:
    form = ArticleForm()
    with pytest.raises(RuntimeError, match=r"await form.load_choices\(\)"):
        str(form["author"])
    await form.load_choices()
    assert '<option value="">---------</option>' in str(form["author"])


async def test_commit_false_then_save_m2m(database: str) -> None:
    ada = await author()
    tag = await Tag.objects.create(name="x")
    form = ArticleForm({"title": "T", "slug": "t", "status": "draft", "rating": "0", "author": str(ada.pk),
                        "tags": [str(tag.pk)]})  # fmt: skip
    assert await form.is_valid()
    article = await form.save(commit=False)
    assert article.pk is None and await Article.objects.count() == 0
    article.rating = 5
    await article.save()
    await form.save_m2m()
    fresh = await Article.objects.get(pk=article.pk)
    assert fresh.rating == 5 and [t.name for t in await fresh.tags.all()] == ["x"]


async def test_unique_email_on_author(database: str) -> None:
    await author()
    form = AuthorForm({"name": "Other", "email": "ada@example.com"})
    assert not await form.is_valid()
    assert form.errors["email"]
    form = AuthorForm({"name": "Other", "email": "other@example.com"})
    assert await form.is_valid()
    saved = await form.save()
    assert (await Author.objects.get(pk=saved.pk)).email == "other@example.com"
