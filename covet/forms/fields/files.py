"""``FileField``: an uploaded file (``covet.http.UploadFile``), with optional size and extension limits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from covet.forms.fields.base import Field
from covet.forms.widgets import FileInput, Widget
from covet.http import UploadFile


class FileField(Field):
    """The cleaned value is the ``UploadFile`` (or None when nothing was chosen and the field is optional).

    ``max_size`` limits the size in bytes; ``allowed_extensions`` (``["pdf", "png"]``) the file name's suffix.
    """

    default_widget = FileInput
    default_error_messages = {
        "invalid": 'No file was submitted. Check the form\'s encoding (enctype="multipart/form-data").',
        "empty": "The submitted file is empty.",
        "max_size": "The file is too large ({size} bytes); the limit is {limit} bytes.",
        "extension": "Files of type .{extension} are not allowed; allowed: {allowed}.",
    }

    def __init__(
        self,
        *,
        max_size: int | None = None,
        allowed_extensions: Iterable[str] | None = None,
        allow_empty_file: bool = False,
        **kwargs: Any,
    ) -> None:
        self.max_size = max_size
        self.allowed_extensions = [ext.lower().lstrip(".") for ext in allowed_extensions or ()]
        self.allow_empty_file = allow_empty_file
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if isinstance(value, str):  # a plain text part under a file field's name: the form was not multipart
            raise self.error("invalid")
        if not isinstance(value, UploadFile):
            raise self.error("invalid")
        if not value.filename:  # the browser sends an empty part when no file was chosen
            return None
        size = value.size or 0
        if size == 0 and not self.allow_empty_file:
            raise self.error("empty")
        if self.max_size is not None and size > self.max_size:
            raise self.error("max_size", size=size, limit=self.max_size)
        if self.allowed_extensions:
            extension = value.filename.rpartition(".")[2].lower() if "." in value.filename else ""
            if extension not in self.allowed_extensions:
                allowed = ", ".join(f".{ext}" for ext in self.allowed_extensions)
                raise self.error("extension", extension=extension or "(none)", allowed=allowed)
        return value

    def bound_data(self, data: Any, initial: Any) -> Any:
        return initial  # a file input never shows a value

    def widget_attrs(self, widget: Widget) -> dict[str, Any]:
        if self.allowed_extensions and isinstance(widget, FileInput):
            return {"accept": ",".join(f".{ext}" for ext in self.allowed_extensions)}
        return {}

    def has_changed(self, initial: Any, data: Any) -> bool:
        return data is not None and not (isinstance(data, UploadFile) and not data.filename)
