"""Model fields: the base ``Field`` and one module per family (numbers, text, dates, special types, relations)."""

from __future__ import annotations

from covet.orm.fields.base import NOT_PROVIDED, Field
from covet.orm.fields.numeric import (
    AutoField,
    BigAutoField,
    BigIntegerField,
    DecimalField,
    FloatField,
    IntegerField,
    PositiveIntegerField,
    PositiveSmallIntegerField,
    SmallIntegerField,
)
from covet.orm.fields.related import ForeignKey, ForeignObjectRel, ManyToManyField, OneToOneField
from covet.orm.fields.special import BinaryField, BooleanField, EnumField, JSONField, UUIDField
from covet.orm.fields.temporal import DateField, DateTimeField, DurationField, TimeField
from covet.orm.fields.text import CharField, EmailField, SlugField, TextField, URLField

__all__ = [
    "NOT_PROVIDED",
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BinaryField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "DurationField",
    "EmailField",
    "EnumField",
    "Field",
    "FloatField",
    "ForeignKey",
    "ForeignObjectRel",
    "IntegerField",
    "JSONField",
    "ManyToManyField",
    "OneToOneField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "TimeField",
    "URLField",
    "UUIDField",
]
