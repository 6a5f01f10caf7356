"""What happens to rows pointing at a deleted row: the ``on_delete=`` rules of ForeignKey/OneToOneField.

The ORM applies these itself (see covet.orm.deletion), so SQLite and PostgreSQL behave the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class OnDelete:
    """A named rule; ``SET(value)`` builds one that sets a given value (or the result of a callable)."""

    def __init__(self, name: str, value: Any = None) -> None:
        self.name = name
        self.value = value

    def replacement(self, field: Any) -> Any:
        """The value SET_NULL / SET_DEFAULT / SET(...) writes into the referencing column."""
        if self.name == "SET_NULL":
            return None
        if self.name == "SET_DEFAULT":
            return field.get_default()
        value = self.value() if callable(self.value) else self.value
        return getattr(value, "pk", value)

    def __repr__(self) -> str:
        return self.name if self.name != "SET" else f"SET({self.value!r})"


CASCADE = OnDelete("CASCADE")
PROTECT = OnDelete("PROTECT")
RESTRICT = OnDelete("RESTRICT")
SET_NULL = OnDelete("SET_NULL")
SET_DEFAULT = OnDelete("SET_DEFAULT")
DO_NOTHING = OnDelete("DO_NOTHING")


def SET(value: Any | Callable[[], Any]) -> OnDelete:
    """``on_delete=SET(value)``: point referencing rows at ``value`` (or ``value()``) instead."""
    return OnDelete("SET", value)
