"""Each form field: what it accepts, what it turns the input into, and the message for bad input."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

import pytest

from covet.exceptions import ValidationError
from covet.forms import (
    BooleanField,
    CharField,
    ChoiceField,
    DateField,
    DateTimeField,
    DecimalField,
    DurationField,
    EmailField,
    Field,
    FloatField,
    IntegerField,
    JSONField,
    MultipleChoiceField,
    SlugField,
    TimeField,
    TypedChoiceField,
    URLField,
    UUIDField,
)

NO_MORE = "Ensure that there are no more than"
NOT_A_CHOICE = "Select a valid choice. {} is not one of the available choices."


def messages(field: Field, value: Any) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        field.clean(value)
    return [message for values in caught.value.messages.values() for message in values]


@pytest.mark.parametrize(
    ("field", "raw", "expected"),
    [
        (CharField(), "  hello  ", "hello"),
        (CharField(strip=False), "  hi ", "  hi "),
        (CharField(required=False), "", ""),
        (CharField(required=False, empty_value=None), "   ", None),
        (EmailField(), " ada@example.com ", "ada@example.com"),
        (URLField(), "example.com/page", "https://example.com/page"),
        (URLField(), "http://example.com", "http://example.com"),
        (URLField(), "example.com:8080/x", "https://example.com:8080/x"),
        (SlugField(), "my-post_1", "my-post_1"),
        (IntegerField(), " 42 ", 42),
        (IntegerField(), "1e3", 1000),
        (IntegerField(), "-7", -7),
        (FloatField(), "2.5", 2.5),
        (DecimalField(max_digits=5, decimal_places=2), "123.45", decimal.Decimal("123.45")),
        (BooleanField(required=False), "on", True),
        (BooleanField(required=False), "false", False),
        (BooleanField(required=False), False, False),
        (DateField(), "2024-02-29", dt.date(2024, 2, 29)),
        (TimeField(), "13:45", dt.time(13, 45)),
        (DurationField(), "1 02:03:04", dt.timedelta(days=1, hours=2, minutes=3, seconds=4)),
        (DurationField(), "90", dt.timedelta(seconds=90)),
        (UUIDField(), "12345678-1234-5678-1234-567812345678", uuid.UUID("12345678-1234-5678-1234-567812345678")),
        (JSONField(), '{"a": [1, 2]}', {"a": [1, 2]}),
        (ChoiceField(choices=[("r", "Red"), ("g", "Green")]), "g", "g"),
        (TypedChoiceField(choices=[(1, "One"), (2, "Two")], coerce=int), "2", 2),
        (MultipleChoiceField(choices=["a", "b", "c"]), ["a", "c"], ["a", "c"]),
    ],
)
def test_valid_input_is_converted(field: Field, raw: Any, expected: Any) -> None:
    assert field.clean(raw) == expected


def test_datetime_without_zone_is_taken_in_time_zone(settings: Any) -> None:
    settings.TIME_ZONE = "Europe/Paris"
    value = DateTimeField().clean("2024-07-01T12:30")
    assert value.utcoffset() == dt.timedelta(hours=2)
    assert value.astimezone(dt.UTC).hour == 10


@pytest.mark.parametrize(
    ("field", "raw", "message"),
    [
        (CharField(), "", "This field is required."),
        (CharField(), "   ", "This field is required."),
        (CharField(max_length=3), "abcd", "Ensure this value has at most 3 characters (it has 4)."),
        (CharField(min_length=3), "ab", "Ensure this value has at least 3 characters."),
        (CharField(), {"nested": "dict"}, "Enter text."),
        (EmailField(), "not-an-email", "Enter a valid email address."),
        (EmailField(), "a@b", "Enter a valid email address."),
        (URLField(), "javascript:alert(1)", "Enter a valid URL."),
        (SlugField(), "has space", "Enter a valid slug: letters, numbers, underscores or hyphens only."),
        (IntegerField(), "4.5", "Enter a whole number."),
        (IntegerField(), "abc", "Enter a whole number."),
        (IntegerField(), "nan", "Enter a whole number."),
        (IntegerField(), True, "Enter a whole number."),
        (IntegerField(min_value=1), "0", "Ensure this value is greater than or equal to 1."),
        (IntegerField(max_value=9), "10", "Ensure this value is less than or equal to 9."),
        (FloatField(), "inf", "Enter a number."),
        (FloatField(), "1,5", "Enter a number."),
        (DecimalField(max_digits=4, decimal_places=2), "12345.1", f"{NO_MORE} 4 digits in total."),
        (DecimalField(max_digits=5, decimal_places=1), "1.25", f"{NO_MORE} 1 decimal places."),
        (DecimalField(max_digits=3, decimal_places=1), "123", f"{NO_MORE} 2 digits before the decimal point."),
        (DecimalField(), "NaN", "Enter a number."),
        (BooleanField(), "", "This field is required."),
        (DateField(), "2023-02-30", "Enter a valid date (YYYY-MM-DD)."),
        (DateField(), "yesterday", "Enter a valid date (YYYY-MM-DD)."),
        (DateTimeField(), "2024-13-01 10:00", "Enter a valid date and time (YYYY-MM-DD HH:MM)."),
        (TimeField(), "25:00", "Enter a valid time (HH:MM)."),
        (DurationField(), "soon", "Enter a valid duration ([days ]HH:MM:SS)."),
        (UUIDField(), "1234", "Enter a valid UUID."),
        (ChoiceField(choices=[("r", "Red")]), "x", NOT_A_CHOICE.format("x")),
        (MultipleChoiceField(choices=["a"]), ["a", "z"], NOT_A_CHOICE.format("z")),
        (MultipleChoiceField(choices=["a"]), [], "This field is required."),
        (MultipleChoiceField(choices=["a"]), "a", "Enter a list of values."),
    ],
)  # fmt: skip
def test_bad_input_gets_a_clear_message(field: Field, raw: Any, message: str) -> None:
    assert messages(field, raw) == [message]


def test_json_error_says_what_is_wrong() -> None:
    [message] = messages(JSONField(), "{broken")
    assert message.startswith("Enter valid JSON (") and "line 1" in message


def test_custom_error_messages_and_validators() -> None:
    def no_admin(value: str) -> None:
        if value.lower() == "admin":
            raise ValidationError("That name is reserved.")

    field = CharField(validators=[no_admin], error_messages={"required": "Tell us your name."})
    assert messages(field, "") == ["Tell us your name."]
    assert messages(field, "Admin") == ["That name is reserved."]
    assert field.clean("ada") == "ada"


def test_widget_attributes_follow_the_options() -> None:
    text = CharField(max_length=5, min_length=2)
    assert text.widget_attrs(text.widget) == {"maxlength": "5", "minlength": "2"}
    number = IntegerField(min_value=0, max_value=10)
    assert number.widget_attrs(number.widget) == {"min": "0", "max": "10"}
    price = DecimalField(max_digits=6, decimal_places=2)
    assert price.widget_attrs(price.widget) == {"step": "0.01"}


def test_has_changed() -> None:
    assert not IntegerField().has_changed(5, "5")
    assert IntegerField().has_changed(5, "6")
    assert not BooleanField(required=False).has_changed(False, False)
    assert MultipleChoiceField(choices=["a", "b"]).has_changed(["a"], ["a", "b"])
    assert not CharField().has_changed(None, "")
