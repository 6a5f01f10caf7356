"""Validation messages as they are shown: ``ErrorList`` (one field's messages) and ``ErrorDict`` (a form's).

Both render as HTML in templates (``{{ field.errors }}``, ``{{ form.non_field_errors() }}``) and stay plain
lists and dicts for code and JSON APIs.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from covet.exceptions import ValidationError

NON_FIELD_ERRORS = "__all__"


class ErrorList(list[str]):
    """The messages of one field (or the form's non-field messages)."""

    def __init__(self, messages: Any = (), *, css_class: str = "errorlist", element_id: str | None = None) -> None:
        super().__init__(str(message) for message in messages)
        self.css_class = css_class
        self.element_id = element_id

    def __html__(self) -> Markup:
        if not self:
            return Markup("")
        items = Markup("").join(Markup("<li>{}</li>").format(message) for message in self)
        id_attribute = Markup(' id="{}"').format(self.element_id) if self.element_id else ""
        return Markup('<ul class="{}"{}>{}</ul>').format(self.css_class, id_attribute, items)

    def __str__(self) -> str:
        return str(self.__html__())

    def as_text(self) -> str:
        return "\n".join(f"* {message}" for message in self)


class ErrorDict(dict[str, ErrorList]):
    """Field name (or ``"__all__"``) -> its ``ErrorList``."""

    def as_json_data(self) -> dict[str, list[str]]:
        return {name: list(messages) for name, messages in self.items()}

    def __html__(self) -> Markup:
        if not self:
            return Markup("")
        items = Markup("").join(
            Markup("<li>{}{}</li>").format("" if name == NON_FIELD_ERRORS else name, errors)
            for name, errors in self.items()
        )
        return Markup('<ul class="errorlist">{}</ul>').format(items)


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    """The messages of a ``ValidationError`` by field name (``"__all__"`` for the ones not tied to a field)."""
    return {name: list(messages) for name, messages in error.messages.items()}
