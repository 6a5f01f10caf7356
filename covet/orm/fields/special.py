"""Boolean, UUID, JSON, binary and Enum fields."""

from __future__ import annotations

import base64
import enum
import uuid
from typing import Any

import orjson
import sqlalchemy as sa

from covet.orm.fields.base import Field, invalid
from covet.orm.fields.sqltypes import EnumValue, PostgresJSONB

_TRUE = {"true", "t", "yes", "y", "on", "1"}
_FALSE = {"false", "f", "no", "n", "off", "0"}


class BooleanField(Field):
    python_types = (bool,)
    description = "Boolean"

    def sa_type(self) -> sa.types.TypeEngine[Any]:
        return sa.Boolean()

    def to_python(self, value: Any) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str):
            lowered = value.strip().lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
        raise invalid(f"{value!r} is not a valid boolean (use True or False).")


class UUIDField(Field):
    """A UUID (native on PostgreSQL, 32 hex characters on SQLite). ``default=uuid.uuid4`` is common."""

    python_types = (uuid.UUID,)
    description = "Universally unique identifier"

    def sa_type(self) -> sa.types.TypeEngine[Any]:
        return sa.Uuid()

    def to_python(self, value: Any) -> Any:
        if isinstance(value, uuid.UUID):
            return value
        try:
            if isinstance(value, int) and not isinstance(value, bool):
                return uuid.UUID(int=value)
            if isinstance(value, str):
                return uuid.UUID(value.strip())
        except ValueError:
            pass
        raise invalid(f"{value!r} is not a valid UUID.")

    def to_serializable(self, value: Any) -> Any:
        return None if value is None else str(value)


class JSONField(Field):
    """Any JSON-serialisable value (JSONB on PostgreSQL, JSON text on SQLite). Python None is SQL NULL."""

    python_types = (str, int, float, bool)  # containers are checked: they may hold unserialisable values
    description = "JSON"
    empty_strings_allowed = False

    def sa_type(self) -> sa.types.TypeEngine[Any]:
        return sa.JSON(none_as_null=True).with_variant(PostgresJSONB(), "postgresql")

    def to_python(self, value: Any) -> Any:
        try:
            orjson.dumps(value)
        except TypeError:
            raise invalid(f"Value of type {type(value).__name__} is not JSON serialisable.") from None
        return value

    def validate(self, value: Any, instance: Any = None) -> None:
        if value is not None:
            self.to_python(value)
        super().validate(value, instance)


class BinaryField(Field):
    """Raw bytes (BYTEA / BLOB). Not editable in forms by default."""

    python_types = (bytes,)
    description = "Raw binary data"

    def __init__(self, *args: Any, max_length: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)
        self.max_length = max_length

    def sa_type(self) -> sa.types.TypeEngine[Any]:
        return sa.LargeBinary(self.max_length)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, bytes | bytearray | memoryview):
            return bytes(value)
        if isinstance(value, str):  # the form to_serializable() produces
            try:
                return base64.b64decode(value.encode("ascii"), validate=True)
            except ValueError:
                pass
        raise invalid(f"Expected bytes, got {type(value).__name__}.")

    def check_db_limits(self, value: Any) -> None:
        if value is not None and self.max_length is not None and len(value) > self.max_length:
            raise invalid(f"Ensure this value has at most {self.max_length} bytes (it has {len(value)}).")

    def to_serializable(self, value: Any) -> Any:
        return None if value is None else base64.b64encode(value).decode("ascii")


class EnumField(Field):
    """Stores a Python ``Enum``'s values (text, or integer for int enums); instances get the members back."""

    description = "Enumeration"

    def __init__(self, enum_class: type[enum.Enum], *args: Any, max_length: int | None = None, **kwargs: Any) -> None:
        if not (isinstance(enum_class, type) and issubclass(enum_class, enum.Enum)):
            raise TypeError(f"EnumField needs an Enum class, got {enum_class!r}.")
        kwargs.setdefault("choices", [(member.value, member.name) for member in enum_class])
        super().__init__(*args, **kwargs)
        self.enum_class = enum_class
        self.python_types = (enum_class,)
        self.max_length = max_length or max(len(str(member.value)) for member in enum_class)

    def sa_type(self) -> sa.types.TypeEngine[Any]:
        return EnumValue(self.enum_class, self.max_length)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, self.enum_class):
            return value
        try:
            return self.enum_class(value)
        except ValueError:
            try:
                return self.enum_class[value]
            except (KeyError, TypeError):
                pass
        allowed = ", ".join(repr(member.value) for member in self.enum_class)
        raise invalid(f"{value!r} is not a valid {self.enum_class.__name__} (allowed: {allowed}).")

    def validate(self, value: Any, instance: Any = None) -> None:
        if isinstance(value, enum.Enum):
            value = value.value
        super().validate(value, instance)

    def to_serializable(self, value: Any) -> Any:
        return None if value is None else value.value
