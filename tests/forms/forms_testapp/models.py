"""Models for the ModelForm tests: an author, tags, and an article using most field types."""

from __future__ import annotations

from covet.exceptions import ValidationError
from covet.orm import (
    CASCADE,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    EmailField,
    ForeignKey,
    IntegerField,
    JSONField,
    ManyToManyField,
    Model,
    PositiveIntegerField,
    SlugField,
    TextField,
    URLField,
    UUIDField,
)


class Author(Model):
    name = CharField(max_length=100)
    email = EmailField(unique=True)

    def __str__(self) -> str:
        return self.name


class Tag(Model):
    name = CharField(max_length=30, unique=True)

    def __str__(self) -> str:
        return self.name


class Article(Model):
    STATUS_CHOICES = [("draft", "Draft"), ("live", "Published")]

    title = CharField(max_length=200)
    slug = SlugField(unique=True)
    body = TextField(blank=True)
    status = CharField(max_length=10, choices=STATUS_CHOICES, default="draft")
    rating = PositiveIntegerField(default=0)
    price = DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    published = BooleanField(default=False)
    publish_on = DateField(null=True, blank=True)
    website = URLField(blank=True)
    external_id = UUIDField(null=True, blank=True)
    extra = JSONField(null=True, blank=True)
    views = IntegerField(default=0, editable=False)
    created = DateTimeField(auto_now_add=True)
    author = ForeignKey(Author, on_delete=CASCADE, related_name="articles")
    tags = ManyToManyField(Tag, blank=True, related_name="articles")

    def clean(self) -> None:
        if self.status == "live" and not self.body:
            raise ValidationError({"body": ["A published article needs a body."]})

    def __str__(self) -> str:
        return self.title
