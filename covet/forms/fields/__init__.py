"""Form fields, one module per kind of value."""

from covet.forms.fields.base import EMPTY_VALUES, Field
from covet.forms.fields.choice import ChoiceField, MultipleChoiceField, TypedChoiceField, normalize_choices
from covet.forms.fields.files import FileField
from covet.forms.fields.numeric import DecimalField, FloatField, IntegerField
from covet.forms.fields.structured import BooleanField, JSONField, UUIDField
from covet.forms.fields.temporal import DateField, DateTimeField, DurationField, TimeField
from covet.forms.fields.text import CharField, EmailField, SlugField, URLField

__all__ = [
    "EMPTY_VALUES",
    "BooleanField",
    "CharField",
    "ChoiceField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "DurationField",
    "EmailField",
    "Field",
    "FileField",
    "FloatField",
    "IntegerField",
    "JSONField",
    "MultipleChoiceField",
    "SlugField",
    "TimeField",
    "TypedChoiceField",
    "URLField",
    "UUIDField",
    "normalize_choices",
]
