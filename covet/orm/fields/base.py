"""``Field``: the base of every model field — options, defaults, coercion, validation and its SQLAlchemy column."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from covet.exceptions import ValidationError
from covet.orm.validators import Validator

if TYPE_CHECKING:
    from covet.orm.base import Model


class _NotProvided:
    def __repr__(self) -> str:
        return "NOT_PROVIDED"


NOT_PROVIDED: Any = _NotProvided()

EMPTY_VALUES: tuple[Any, ...] = (None, "", [], (), {})

_creation_order = itertools.count()


class DeferredAttribute:
    """Class attribute standing for a field. Instances keep loaded values in ``__dict__``, which wins over this
    descriptor; so it only runs for a value that was never loaded (``only()``/``defer()``)."""

    def __init__(self, field: Field) -> None:
        self.field = field

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        raise AttributeError(
            f"{type(instance).__name__}.{self.field.attname} wasn't loaded (deferred by only()/defer()); "
            f"call `await obj.refresh_from_db(fields=[{self.field.attname!r}])` or stop deferring it."
        )


class Field:
    """A model attribute stored in one column.

    ``to_python`` coerces a value to the field's Python type (raising ValidationError for the wrong type);
    ``validate`` checks the options (null, blank, choices, max_length, validators) for ``full_clean()``.
    """

    #: The exact type(s) ``to_python`` returns unchanged without further checks (the fast path).
    python_types: tuple[type, ...] = ()
    is_relation = False
    many_to_many = False
    concrete = True
    auto_created = False
    empty_strings_allowed = False
    description = "Field"

    def __init__(
        self,
        verbose_name: str | None = None,
        *,
        primary_key: bool = False,
        null: bool = False,
        blank: bool = False,
        default: Any = NOT_PROVIDED,
        unique: bool = False,
        db_index: bool = False,
        choices: Iterable[Any] | None = None,
        validators: Sequence[Validator] = (),
        help_text: str = "",
        editable: bool = True,
        db_column: str | None = None,
        error_messages: dict[str, str] | None = None,
    ) -> None:
        self.verbose_name_value = verbose_name
        self.primary_key = primary_key
        self.null = null
        self.blank = blank
        self.default = default
        self.unique = unique or primary_key
        self.db_index = db_index
        self.choices = _normalize_choices(choices)
        self.validators = list(validators)
        self.help_text = help_text
        self.editable = editable
        self.db_column = db_column
        self.error_messages = dict(error_messages or {})
        self.creation_counter = next(_creation_order)
        self.name: str = ""
        self.attname: str = ""
        self.column: str = ""
        self.model: type[Model] | None = None

    # -- wiring ---------------------------------------------------------------------------------------------
    def contribute_to_class(self, model: type[Model], name: str) -> None:
        self.name = name
        self.attname = self.get_attname()
        self.column = self.db_column or self.attname
        self.model = model
        model._meta.add_field(self)
        setattr(model, self.attname, DeferredAttribute(self))

    def get_attname(self) -> str:
        return self.name

    def clone(self) -> Field:
        """A fresh copy for a subclass of an abstract model."""
        field = copy.copy(self)
        field.validators = list(self.validators)
        field.model = None
        return field

    @property
    def verbose_name(self) -> str:
        return self.verbose_name_value or self.name.replace("_", " ")

    # -- schema ---------------------------------------------------------------------------------------------
    def sa_type(self) -> sa.types.TypeEngine[Any]:
        raise NotImplementedError(f"{type(self).__name__} must define sa_type()")

    def sa_column(self) -> sa.Column[Any]:
        return sa.Column(
            self.column,
            self.sa_type(),
            *self.sa_column_extras(),
            primary_key=self.primary_key,
            nullable=self.null and not self.primary_key,
            unique=self.unique and not self.primary_key,
            index=self.db_index and not self.unique,
            autoincrement=False,
            comment=self.help_text or None,
        )

    def sa_column_extras(self) -> list[Any]:
        """Extra positional arguments for the Column (a ForeignKey for relations)."""
        return []

    def sa_constraints(self, column: sa.Column[Any]) -> list[sa.Constraint]:
        """Table-level constraints this field needs besides its column (e.g. a CHECK)."""
        return []

    # -- values ---------------------------------------------------------------------------------------------
    def has_default(self) -> bool:
        return self.default is not NOT_PROVIDED

    def get_default(self) -> Any:
        if self.default is NOT_PROVIDED:
            return "" if self.empty_strings_allowed and not self.null else None
        if callable(self.default):
            return self.default()
        return self.default

    def to_python(self, value: Any) -> Any:
        """Coerce ``value`` to this field's type or raise ValidationError(message)."""
        return value

    def coerce(self, value: Any) -> Any:
        """``to_python`` with the error keyed by this field's name (used before any SQL runs)."""
        if value is None or type(value) in self.python_types:
            return value
        try:
            return self.to_python(value)
        except ValidationError as error:
            raise ValidationError({self.name: _flatten(error)}) from None

    def value_for_save(self, value: Any) -> Any:
        """The value to write: coerced, with the limits every backend must enforce the same way."""
        value = self.coerce(value)
        if value is None and not self.null and not self.primary_key:
            raise ValidationError({self.name: ["This field cannot be null."]})
        try:
            self.check_db_limits(value)
        except ValidationError as error:
            raise ValidationError({self.name: _flatten(error)}) from None
        return value

    def check_db_limits(self, value: Any) -> None:
        """Raise ValidationError if ``value`` can't be stored (too long, out of range); some backends wouldn't."""

    def pre_save(self, instance: Model, add: bool) -> Any:
        return instance.__dict__.get(self.attname)

    @property
    def reads_plain_value(self) -> bool:
        """Whether ``pre_save`` just reads the attribute (no auto_now, no related object to check)."""
        return type(self).pre_save is Field.pre_save

    @property
    def has_db_limits(self) -> bool:
        """Whether ``check_db_limits`` checks anything (length, range, digits)."""
        return type(self).check_db_limits is not Field.check_db_limits

    def validate(self, value: Any, instance: Model | None = None) -> None:
        if value is None:
            if not self.null:
                raise ValidationError(self.error_messages.get("null", "This field cannot be null."), code="null")
            return
        if value in EMPTY_VALUES and not self.blank:
            raise ValidationError(self.error_messages.get("blank", "This field cannot be blank."), code="blank")
        if self.choices is not None and value not in EMPTY_VALUES and value not in self.choice_values():
            allowed = ", ".join(repr(v) for v in self.choice_values())
            raise ValidationError(f"Value {value!r} is not a valid choice (allowed: {allowed}).", code="invalid_choice")
        self.check_db_limits_as_validation(value)
        errors: list[str] = []
        for validator in self.validators:
            try:
                validator(value)
            except ValidationError as error:
                errors.extend(_flatten(error))
        if errors:
            raise ValidationError(errors)

    def check_db_limits_as_validation(self, value: Any) -> None:
        try:
            self.check_db_limits(value)
        except ValidationError as error:
            raise ValidationError(_flatten(error)) from None

    def clean(self, value: Any, instance: Model | None = None) -> Any:
        """Coerce and validate; the value ``full_clean()`` stores back on the instance."""
        if value is not None:
            value = self.to_python(value)
        self.validate(value, instance)
        return value

    def choice_values(self) -> list[Any]:
        return [value for value, _label in self.choices or ()]

    def to_serializable(self, value: Any) -> Any:
        """A JSON-compatible form of ``value`` (used by to_dict() and dumpdata); ``to_python`` reverses it."""
        return value

    def __repr__(self) -> str:
        owner = self.model.__name__ + "." if self.model is not None else ""
        return f"<{type(self).__name__}: {owner}{self.name or '?'}>"


def _normalize_choices(choices: Iterable[Any] | None) -> list[tuple[Any, str]] | None:
    if choices is None:
        return None
    if isinstance(choices, type):  # an Enum class
        return [(member.value, getattr(member, "label", member.name)) for member in choices]
    normalized: list[tuple[Any, str]] = []
    for choice in choices:
        if isinstance(choice, list | tuple) and len(choice) == 2:
            normalized.append((choice[0], str(choice[1])))
        else:
            normalized.append((choice, str(choice)))
    return normalized


def _flatten(error: ValidationError) -> list[str]:
    return [message for messages in error.messages.values() for message in messages]


def invalid(message: str, code: str = "invalid") -> ValidationError:
    return ValidationError(message, code=code)
