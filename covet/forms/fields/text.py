"""Text fields: ``CharField`` and the checked kinds of text, ``EmailField``, ``URLField``, ``SlugField``."""

from __future__ import annotations

from typing import Any

from covet.forms.fields.base import Field
from covet.forms.widgets import EmailInput, URLInput, Widget
from covet.orm.validators import MaxLengthValidator, MinLengthValidator, validate_email, validate_slug, validate_url


class CharField(Field):
    """Text, stripped of surrounding whitespace (``strip=False`` keeps it); ``max_length``/``min_length``."""

    default_error_messages = {"invalid": "Enter text."}

    def __init__(
        self,
        *,
        max_length: int | None = None,
        min_length: int | None = None,
        strip: bool = True,
        empty_value: Any = "",
        **kwargs: Any,
    ) -> None:
        self.max_length = max_length
        self.min_length = min_length
        self.strip = strip
        self.empty_value = empty_value
        super().__init__(**kwargs)
        if min_length is not None:
            self.validators.append(MinLengthValidator(min_length))
        if max_length is not None:
            self.validators.append(MaxLengthValidator(max_length))

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return self.empty_value
        if not isinstance(value, str | int | float):
            raise self.error("invalid")
        text = str(value)
        if self.strip:
            text = text.strip()
        return self.empty_value if text == "" else text

    def widget_attrs(self, widget: Widget) -> dict[str, Any]:
        attrs: dict[str, Any] = {}
        if self.max_length is not None and not widget.is_hidden:
            attrs["maxlength"] = str(self.max_length)
        if self.min_length is not None and not widget.is_hidden:
            attrs["minlength"] = str(self.min_length)
        return attrs


class EmailField(CharField):
    default_widget = EmailInput
    default_validators = (validate_email,)


class URLField(CharField):
    """A URL; a bare host name (``example.com/page``) gets ``https://`` put in front."""

    default_widget = URLInput
    default_validators = (validate_url,)

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if isinstance(text, str) and text and "://" not in text:
            before_colon, colon, _rest = text.partition(":")
            # "example.com/x" and "example.com:8080" get a scheme; "mailto:..." and "javascript:..." do not
            if not colon or "." in before_colon:
                text = "https://" + text
        return text


class SlugField(CharField):
    default_validators = (validate_slug,)
