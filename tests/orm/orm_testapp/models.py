"""Models used by the ORM tests: a small library (authors, books, tags), relation rules, every field type."""

from __future__ import annotations

import enum
import uuid

from covet.orm import (
    CASCADE,
    PROTECT,
    RESTRICT,
    SET_DEFAULT,
    SET_NULL,
    BigIntegerField,
    BinaryField,
    BooleanField,
    CharField,
    CheckConstraint,
    DateField,
    DateTimeField,
    DecimalField,
    DurationField,
    EmailField,
    EnumField,
    FloatField,
    ForeignKey,
    Index,
    IntegerField,
    JSONField,
    Manager,
    ManyToManyField,
    Model,
    OneToOneField,
    PositiveIntegerField,
    Q,
    QuerySet,
    SlugField,
    SmallIntegerField,
    TextField,
    TimeField,
    UniqueConstraint,
    URLField,
    UUIDField,
)


class Book(Model):  # declared before Author on purpose: "Author" is a lazy reference
    title = CharField(max_length=200)
    author = ForeignKey("orm_testapp.Author", on_delete=CASCADE, related_name="books")
    publisher = ForeignKey("Publisher", on_delete=SET_NULL, null=True, related_name="books")
    price = DecimalField(max_digits=8, decimal_places=2, default=0)
    pages = IntegerField(default=0)
    rating = FloatField(null=True)
    published = DateField(null=True)
    tags = ManyToManyField("Tag", related_name="books")

    class Meta:
        ordering = ["title"]
        indexes = [Index(fields=["author", "-published"])]

    def __str__(self) -> str:
        return self.title


class Author(Model):
    name = CharField(max_length=100)
    email = EmailField(null=True, unique=True)
    age = PositiveIntegerField(null=True)
    joined = DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Publisher(Model):
    name = CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.name


class Tag(Model):
    name = SlugField(unique=True)

    def __str__(self) -> str:
        return self.name


class Profile(Model):
    author = OneToOneField(Author, on_delete=CASCADE, related_name="profile")
    bio = TextField(blank=True)


class Counter(Model):
    name = CharField(max_length=50, unique=True)
    value = IntegerField(default=0)


class Person(Model):
    name = CharField(max_length=50)


class Club(Model):
    name = CharField(max_length=50)
    members = ManyToManyField(Person, through="Membership", related_name="clubs")


class Membership(Model):
    person = ForeignKey(Person, on_delete=CASCADE)
    club = ForeignKey(Club, on_delete=CASCADE)
    role = CharField(max_length=20, default="member")

    class Meta:
        unique_together = [("person", "club")]


class Node(Model):
    name = CharField(max_length=50)
    parent = ForeignKey("self", on_delete=CASCADE, null=True, related_name="children")


# -- on_delete rules ------------------------------------------------------------------------------------------
class Parent(Model):
    name = CharField(max_length=50)


class Fallback(Model):
    name = CharField(max_length=50)


class CascadeChild(Model):
    parent = ForeignKey(Parent, on_delete=CASCADE, related_name="cascade_children")


class GrandChild(Model):
    child = ForeignKey(CascadeChild, on_delete=CASCADE, related_name="grandchildren")


class ProtectChild(Model):
    parent = ForeignKey(Parent, on_delete=PROTECT, related_name="protect_children")


class SetNullChild(Model):
    parent = ForeignKey(Parent, on_delete=SET_NULL, null=True, related_name="setnull_children")


class SetDefaultChild(Model):
    parent = ForeignKey(Parent, on_delete=SET_DEFAULT, null=True, default=None, related_name="setdefault_children")


class RestrictChild(Model):
    parent = ForeignKey(Parent, on_delete=RESTRICT, related_name="restrict_children")
    # Also reachable by cascade from CascadeChild: then RESTRICT allows the delete.
    via = ForeignKey(CascadeChild, on_delete=CASCADE, null=True, related_name="restricted")


# -- every field type -----------------------------------------------------------------------------------------
class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Everything(Model):
    char = CharField(max_length=20, blank=True)
    text = TextField(blank=True)
    integer = IntegerField(null=True)
    big = BigIntegerField(null=True)
    small = SmallIntegerField(null=True)
    positive = PositiveIntegerField(null=True)
    floating = FloatField(null=True)
    decimal = DecimalField(max_digits=10, decimal_places=3, null=True)
    flag = BooleanField(default=False)
    day = DateField(null=True)
    moment = DateTimeField(null=True)
    clock = TimeField(null=True)
    span = DurationField(null=True)
    uid = UUIDField(default=uuid.uuid4)
    data = JSONField(null=True)
    email = EmailField(null=True, blank=True)
    url = URLField(null=True, blank=True)
    slug = SlugField(null=True, blank=True)
    blob = BinaryField(null=True)
    color = EnumField(Color, null=True)
    level = EnumField(Level, null=True)
    status = CharField(max_length=10, choices=[("draft", "Draft"), ("live", "Live")], default="draft")


class Product(Model):
    name = CharField(max_length=50)
    price = DecimalField(max_digits=8, decimal_places=2)
    stock = IntegerField(default=0)
    sku = CharField(max_length=20)
    vendor = CharField(max_length=20, default="acme")

    class Meta:
        constraints = [
            CheckConstraint(check=Q(price__gte=0), name="price_non_negative"),
            UniqueConstraint(fields=["vendor", "sku"], name="uniq_vendor_sku"),
        ]


class PublishedQuerySet(QuerySet["Article"]):
    def published(self) -> QuerySet[Article]:
        return self.filter(published=True)


class LiveManager(Manager["Article"]):
    def get_queryset(self) -> QuerySet[Article]:
        return super().get_queryset().filter(published=True)


class Article(Model):
    title = CharField(max_length=100)
    published = BooleanField(default=False)

    objects = Manager.from_queryset(PublishedQuerySet)()
    live = LiveManager()


class Stamped(Model):
    """An abstract base: its fields are copied into each concrete subclass."""

    created = DateTimeField(auto_now_add=True)
    updated = DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Note(Stamped):
    body = TextField()
