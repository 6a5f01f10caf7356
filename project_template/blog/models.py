"""The blog's data. After changing a model, run `covet makemigrations` then `covet migrate`
(see Covet's docs/migrations.md)."""

from covet.auth.models import User
from covet.orm import CASCADE, BooleanField, CharField, DateTimeField, ForeignKey, Model, TextField


class Post(Model):
    title = CharField(max_length=200)
    body = TextField()
    author = ForeignKey(User, on_delete=CASCADE, related_name="posts")
    published = BooleanField(default=False, db_index=True)
    created = DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return self.title
