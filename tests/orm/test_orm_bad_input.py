"""Bad input: unknown fields and lookups, wrong types before SQL, injection attempts, constraint violations."""

from __future__ import annotations

import pytest
from orm_testapp.models import Author, Book, Counter, Everything, Product

from covet.exceptions import ValidationError
from covet.orm import F, FieldError, IntegrityError, Q, atomic

INJECTIONS = [
    "'; DROP TABLE orm_testapp_author; --",
    '" OR 1=1 --',
    "x' OR '1'='1",
    "%' OR 1=1 --",
    "1); DELETE FROM orm_testapp_author; --",
    "\\'; SELECT pg_sleep(1); --",
    "name); DROP TABLE orm_testapp_book; --",
]

TEXT_LOOKUPS = [
    "exact",
    "iexact",
    "contains",
    "icontains",
    "startswith",
    "istartswith",
    "endswith",
    "iendswith",
    "regex",
    "iregex",
    "gt",
    "gte",
    "lt",
    "lte",
]


@pytest.fixture
async def people() -> None:
    for name in ("Ann", "Bob"):
        author = await Author.objects.create(name=name, age=30)
        await Book.objects.create(title=f"{name}'s book", author=author)


async def assert_intact() -> None:
    assert await Author.objects.count() == 2
    assert await Book.objects.count() == 2
    assert sorted(await Author.objects.values_list("name", flat=True)) == ["Ann", "Bob"]


@pytest.mark.parametrize("payload", INJECTIONS)
async def test_injection_through_every_lookup(people: None, payload: str) -> None:
    for lookup in TEXT_LOOKUPS:
        if "regex" in lookup:
            continue  # a payload isn't necessarily a valid regular expression; covered below
        assert await Author.objects.filter(**{f"name__{lookup}": payload}).count() in (0, 1, 2)
        assert await Author.objects.exclude(**{f"name__{lookup}": payload}).count() in (0, 1, 2)
        assert await Book.objects.filter(**{f"author__name__{lookup}": payload}).count() in (0, 1, 2)
    assert await Author.objects.filter(name__in=[payload, "Ann"]).count() == 1
    assert await Author.objects.filter(name__range=(payload, payload)).count() == 0
    assert await Author.objects.filter(Q(name=payload) | Q(name__icontains=payload)).count() == 0
    assert (
        await Author.objects.filter(
            name__regex="^"
            + payload.replace("\\", "").replace("(", "").replace(")", "").replace("[", "").replace("*", "")
        ).count()
        == 0
    )
    await Author.objects.filter(name=payload).update(name=payload)
    await Author.objects.filter(name=payload).delete()
    assert await Author.objects.get_or_none(name=payload) is None
    await assert_intact()


@pytest.mark.parametrize("payload", INJECTIONS)
async def test_injection_through_identifiers_is_a_field_error(people: None, payload: str) -> None:
    with pytest.raises(FieldError):
        await Author.objects.order_by(payload)
    with pytest.raises(FieldError):
        await Author.objects.order_by("-" + payload)
    with pytest.raises(FieldError):
        await Author.objects.values(payload)
    with pytest.raises(FieldError):
        await Author.objects.values_list(payload, flat=True)
    with pytest.raises(FieldError):
        await Author.objects.filter(**{payload: 1})
    with pytest.raises(FieldError):
        await Author.objects.filter(age=F(payload))
    await assert_intact()


async def test_injection_values_are_stored_verbatim(people: None) -> None:
    for payload in INJECTIONS:
        author = await Author.objects.create(name=payload[:100])
        assert (await Author.objects.get(pk=author.pk)).name == payload[:100]
        assert await Author.objects.filter(name__contains=payload[:100]).count() == 1
    await Author.objects.filter(name__in=INJECTIONS).delete()
    await assert_intact()


async def test_unknown_field_and_lookup_messages() -> None:
    with pytest.raises(
        FieldError,
        match=r"Cannot resolve keyword 'nme' into a field of Author\. Choices are: .*age.*"
        r"books.*email.*name",
    ):
        await Author.objects.filter(nme="x")
    with pytest.raises(FieldError, match=r"Unsupported lookup 'contain' for CharField 'name'\. Valid lookups: exact"):
        await Author.objects.filter(name__contain="x")
    with pytest.raises(FieldError, match=r"Unsupported lookup 'icontains' for PositiveIntegerField 'age'"):
        await Author.objects.filter(age__icontains="1")
    with pytest.raises(FieldError, match=r"Cannot resolve keyword 'author__nam'"):
        await Book.objects.order_by("author__nam")
    with pytest.raises(FieldError, match="Choices are"):
        Author._meta.get_field("nope")
    with pytest.raises(FieldError, match="unknown field"):
        author = await Author.objects.create(name="x")
        await author.save(update_fields=["nope"])


async def test_wrong_types_raise_validation_error_before_sql(count_queries) -> None:
    with count_queries() as log:
        with pytest.raises(ValidationError) as info:
            await Author.objects.filter(age="not a number")
        assert info.value.messages == {"age": ["'not a number' is not a valid integer."]}
        with pytest.raises(ValidationError, match="published"):
            await Book.objects.filter(published="yesterday")
        with pytest.raises(ValidationError, match="isnull"):
            await Book.objects.filter(publisher__isnull="yes")
        with pytest.raises(ValidationError, match="in"):
            await Author.objects.filter(age__in=5)
        with pytest.raises(ValidationError) as info:
            await Author.objects.create(name="x" * 101)
        assert "at most 100 characters" in info.value.messages["name"][0]
        with pytest.raises(ValidationError, match="age"):
            await Author.objects.create(name="neg", age=-1)
        with pytest.raises(ValidationError, match="valid integer"):
            await Counter.objects.filter(name="c").update(value="lots")
        with pytest.raises(ValidationError, match="decimal"):
            await Product.objects.create(name="p", price="12.345", sku="s")
        with pytest.raises(ValidationError, match="JSON serialisable"):
            await Everything.objects.create(data={"when": object()})
    assert len(log) == 0
    assert await Author.objects.count() == 0


async def test_integrity_error_names_constraint_and_leaves_transaction_usable(backend: str) -> None:
    await Author.objects.create(name="a", email="a@example.com")
    with pytest.raises(IntegrityError) as info:
        await Author.objects.create(name="b", email="a@example.com")
    assert info.value.constraint is not None
    assert "email" in info.value.constraint
    assert "email" in str(info.value)
    assert await Author.objects.count() == 1  # the connection/pool is fine afterwards

    async with atomic():
        await Author.objects.create(name="c")
        with pytest.raises(IntegrityError):
            await Author.objects.create(name="d", email="a@example.com")
        await Author.objects.create(name="e")  # the transaction goes on
    assert sorted(await Author.objects.values_list("name", flat=True)) == ["a", "c", "e"]

    await Product.objects.create(name="p", price=1, sku="s1")
    with pytest.raises(IntegrityError) as info:
        await Product.objects.create(name="q", price=2, sku="s1")
    assert info.value.constraint is not None and (
        "uniq_vendor_sku" in info.value.constraint or "vendor" in info.value.constraint
    )
    with pytest.raises(IntegrityError) as info:
        await Product.objects.filter(sku="s1").update(price=-1)
    assert "price_non_negative" in str(info.value)
    assert (await Product.objects.get(sku="s1")).price == 1


async def test_negative_values_blocked_by_check_constraint_too() -> None:
    counter = await Counter.objects.create(name="c", value=1)
    author = await Author.objects.create(name="x", age=1)
    with pytest.raises(IntegrityError):  # F() arithmetic bypasses Python validation; the CHECK still holds
        await Author.objects.filter(pk=author.pk).update(age=F("age") - 5)
    assert (await Author.objects.get(pk=author.pk)).age == 1
    assert counter.value == 1
