"""Models of the admin tests: posts with an author, a category, tags and comments."""

from __future__ import annotations

from datetime import UTC, datetime

from covet.auth.models import User
from covet.orm import (
    CASCADE,
    PROTECT,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKey,
    IntegerField,
    ManyToManyField,
    Model,
    SlugField,
    TextField,
)


def _now() -> datetime:
    return datetime.now(UTC)


class Category(Model):
    name = CharField(max_length=100, unique=True)

    class Meta:
        app_label = "admin_testapp"
        verbose_name_plural = "categories"
        ordering = ["name"]

    def __str__(self) -> str:
        return str(self.name)


class Tag(Model):
    name = CharField(max_length=50, unique=True)

    class Meta:
        app_label = "admin_testapp"
        ordering = ["name"]

    def __str__(self) -> str:
        return str(self.name)


class Post(Model):
    title = CharField(max_length=200)
    slug = SlugField(max_length=200, blank=True, default="")
    body = TextField(blank=True, default="")
    author = ForeignKey(User, on_delete=CASCADE, related_name="admin_test_posts")
    category = ForeignKey(Category, on_delete=PROTECT, null=True, blank=True, related_name="posts")
    tags = ManyToManyField(Tag, related_name="posts", blank=True)
    status = CharField(max_length=10, choices=[("draft", "Draft"), ("live", "Live")], default="draft")
    published = BooleanField(default=False)
    rating = IntegerField(default=0)
    created = DateTimeField(default=_now)

    class Meta:
        app_label = "admin_testapp"
        ordering = ["-created"]

    def __str__(self) -> str:
        return str(self.title)


class Comment(Model):
    post = ForeignKey(Post, on_delete=CASCADE, related_name="comments")
    text = CharField(max_length=300)

    class Meta:
        app_label = "admin_testapp"

    def __str__(self) -> str:
        return str(self.text)
