"""``Form``: declare fields as class attributes, bind submitted data, validate, render.

::

    class ContactForm(Form):
        name = CharField(max_length=100)
        email = EmailField()

    form = await ContactForm.from_request(request)
    if await form.is_valid():
        ...form.cleaned_data...

Validation is asynchronous (``clean_<field>()`` and ``clean()`` may be ``async def`` and query the database);
``is_valid()`` must be awaited, and using it without ``await`` raises a TypeError rather than passing silently.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Generator, Iterator, Mapping
from typing import Any, ClassVar, Self

from markupsafe import Markup

from covet.exceptions import BadRequest, ValidationError
from covet.forms.boundfield import BoundField
from covet.forms.errors import NON_FIELD_ERRORS, ErrorDict, ErrorList, messages_of
from covet.forms.fields.base import Field
from covet.http import Request
from covet.http.datastructures import ImmutableMultiDict, UploadFile


class DeclarativeFieldsMetaclass(type):
    """Collects ``Field`` class attributes (including inherited ones) into ``base_fields``, in order."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any], **kwargs: Any) -> type:
        declared = {key: value for key, value in attrs.items() if isinstance(value, Field)}
        for key in declared:
            attrs.pop(key)
        cls = super().__new__(mcs, name, bases, attrs, **kwargs)
        fields: dict[str, Field] = {}
        for base in reversed(cls.__mro__):
            fields.update(declared if base is cls else getattr(base, "declared_fields", {}))
            for key, value in vars(base).items():  # a subclass removes an inherited field by setting it to None
                if value is None and key in fields:
                    fields.pop(key)
        cls.declared_fields = fields  # type: ignore[attr-defined]
        cls.base_fields = dict(fields)  # type: ignore[attr-defined]
        return cls


class _Validation:
    """What ``form.is_valid()`` returns: await it for the answer. Its truth value is refused, so that
    ``if form.is_valid():`` without ``await`` fails loudly instead of accepting every submission."""

    def __init__(self, form: Form) -> None:
        self._form = form

    def __await__(self) -> Generator[Any, None, bool]:
        return self._form._validated().__await__()

    def __bool__(self) -> bool:
        raise TypeError(
            f"{type(self._form).__name__}.is_valid() is a coroutine-like object: write `if await form.is_valid():`."
        )


class Form(metaclass=DeclarativeFieldsMetaclass):
    declared_fields: ClassVar[dict[str, Field]]
    base_fields: ClassVar[dict[str, Field]]
    #: Add the HTML ``required`` attribute to the inputs of required fields.
    use_required_attribute = True

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
        *,
        initial: Mapping[str, Any] | None = None,
        prefix: str | None = None,
        auto_id: str | None = "id_%s",
    ) -> None:
        self.is_bound = data is not None or files is not None
        self.data: Mapping[str, Any] = data if data is not None else {}
        self.files: Mapping[str, Any] = files if files is not None else {}
        self.initial: dict[str, Any] = dict(initial or {})
        self.prefix = prefix
        self.auto_id = auto_id
        #: This instance's fields (copies of the class's, so changing one here never affects other forms).
        self.fields: dict[str, Field] = copy.deepcopy(self.base_fields)
        self._errors: ErrorDict | None = None
        self._cleaned_data: dict[str, Any] | None = None
        self._bound_fields: dict[str, BoundField] = {}

    @classmethod
    async def from_request(cls, request: Request, **kwargs: Any) -> Self:
        """A form bound to what the request submitted: the query string for GET/HEAD, else the body
        (urlencoded or multipart with files, or a JSON object)."""
        if request.method in ("GET", "HEAD"):
            return cls(request.query_params, **kwargs)
        content_type = request.headers.get("content-type", "").lower()
        if content_type.startswith("application/json"):
            document = await request.json()
            if not isinstance(document, dict):
                raise BadRequest("The JSON body must be an object mapping field names to values.")
            return cls(document, **kwargs)
        submitted = await request.form()
        items = submitted.multi_items()
        data = ImmutableMultiDict([(key, value) for key, value in items if isinstance(value, str)])
        files = ImmutableMultiDict([(key, value) for key, value in items if isinstance(value, UploadFile)])
        return cls(data, files, **kwargs)

    # -- access -----------------------------------------------------------------------------------------------
    def add_prefix(self, name: str) -> str:
        return f"{self.prefix}-{name}" if self.prefix else name

    def __iter__(self) -> Iterator[BoundField]:
        for name in self.fields:
            yield self[name]

    def __getitem__(self, name: str) -> BoundField:
        bound = self._bound_fields.get(name)
        if bound is None:
            try:
                field = self.fields[name]
            except KeyError:
                known = ", ".join(self.fields)
                raise KeyError(f"{type(self).__name__} has no field {name!r}; its fields are: {known}.") from None
            bound = self._bound_fields[name] = BoundField(self, field, name)
        return bound

    def get_initial_for_field(self, field: Field, name: str) -> Any:
        value = self.initial.get(name, field.initial)
        return value() if callable(value) else value

    def visible_fields(self) -> list[BoundField]:
        return [bound for bound in self if not bound.is_hidden]

    def hidden_fields(self) -> list[BoundField]:
        return [bound for bound in self if bound.is_hidden]

    def is_multipart(self) -> bool:
        """Whether the form needs ``enctype="multipart/form-data"`` (it has a file field)."""
        return any(getattr(field.widget, "needs_multipart_form", False) for field in self.fields.values())

    # -- validation -----------------------------------------------------------------------------------------
    def is_valid(self) -> _Validation:
        """``await form.is_valid()``: validate (once) and say whether the form is bound and has no errors."""
        return _Validation(self)

    async def _validated(self) -> bool:
        if self._errors is None:
            await self.full_clean()
        return self.is_bound and not self._errors

    @property
    def errors(self) -> ErrorDict:
        """The errors by field name (``"__all__"`` for non-field errors); empty until the form was validated."""
        return self._errors if self._errors is not None else ErrorDict()

    @property
    def cleaned_data(self) -> dict[str, Any]:
        if self._cleaned_data is None:
            raise AttributeError(
                f"{type(self).__name__}.cleaned_data is only available after `await form.is_valid()` on a bound form."
            )
        return self._cleaned_data

    @cleaned_data.setter
    def cleaned_data(self, value: dict[str, Any]) -> None:
        self._cleaned_data = value

    def field_errors(self, name: str) -> list[str]:
        return list(self.errors.get(name, ()))

    def non_field_errors(self) -> ErrorList:
        return ErrorList(self.errors.get(NON_FIELD_ERRORS, ()), css_class="errorlist nonfield")

    def add_error(self, field: str | None, error: ValidationError | str | list[str]) -> None:
        """Record ``error`` for ``field`` (None: for the whole form). A ValidationError with a dict of messages
        adds each to its own field. The field's value leaves ``cleaned_data``."""
        if self._errors is None:
            self._errors = ErrorDict()
        if isinstance(error, ValidationError):
            by_field = messages_of(error)
            if field is not None:
                by_field = {field: [m for messages in by_field.values() for m in messages]}
        else:
            by_field = {field or NON_FIELD_ERRORS: [error] if isinstance(error, str) else list(error)}
        for name, messages in by_field.items():
            key = NON_FIELD_ERRORS if name in (None, NON_FIELD_ERRORS) else name
            if key != NON_FIELD_ERRORS and key not in self.fields:
                raise ValueError(f"{type(self).__name__} has no field named {key!r} to add an error to.")
            self._errors.setdefault(key, ErrorList()).extend(messages)
            if self._cleaned_data is not None:
                self._cleaned_data.pop(key, None)

    def has_error(self, field: str | None) -> bool:
        return bool(self.errors.get(field or NON_FIELD_ERRORS))

    async def full_clean(self) -> None:
        """Clean every field (``field.clean`` then ``clean_<name>()``), then ``clean()``, then ``_post_clean()``."""
        self._errors = ErrorDict()
        if not self.is_bound:
            return
        self._cleaned_data = {}
        await self._clean_fields()
        await self._clean_form()
        await self._post_clean()

    async def _clean_fields(self) -> None:
        for name, field in self.fields.items():
            bound = self[name]
            raw = bound.initial if field.disabled else bound.data
            try:
                value = await field.clean_async(raw)
                self.cleaned_data[name] = value
                hook = getattr(self, f"clean_{name}", None)
                if hook is not None:
                    value = await _maybe_await(hook())
                    self.cleaned_data[name] = value
            except ValidationError as error:
                self.add_error(name, error)

    async def _clean_form(self) -> None:
        try:
            cleaned = await _maybe_await(self.clean())
        except ValidationError as error:
            self.add_error(None, error)
        else:
            if cleaned is not None:
                self._cleaned_data = cleaned

    def clean(self) -> Any:
        """Checks across fields: override it (sync or async), read ``self.cleaned_data``, raise ValidationError
        or call ``add_error()``. Return nothing (or a new cleaned_data dict)."""
        return None

    async def _post_clean(self) -> None:
        """A hook after ``clean()`` (ModelForm validates the model instance here)."""

    @property
    def changed_data(self) -> list[str]:
        """Names of the fields whose submitted value differs from the initial one."""
        return [bound.name for bound in self if bound.field.has_changed(bound.initial, bound.data)]

    def has_changed(self) -> bool:
        return bool(self.changed_data)

    # -- rendering ------------------------------------------------------------------------------------------
    def as_div(self) -> Markup:
        """Every field as ``<div class="field ..."><label> <input> <errors> <help></div>``, non-field errors first,
        hidden fields at the end."""
        parts = [self.non_field_errors().__html__()]
        for bound in self.visible_fields():
            parts.append(
                Markup('<div class="{}">{}{}{}{}</div>').format(
                    bound.css_classes(), bound.label_tag(), bound.as_widget(), bound.errors, bound.help_tag()
                )
            )
        for bound in self.hidden_fields():
            parts.append(Markup("{}{}").format(bound.errors, bound.as_widget()))
        return Markup("\n").join(part for part in parts if part)

    def __html__(self) -> Markup:
        return self.as_div()

    def __str__(self) -> str:
        return str(self.as_div())

    def __repr__(self) -> str:
        if not self.is_bound:
            state = "unbound"
        else:
            state = "unvalidated" if self._errors is None else f"{len(self._errors)} errors"
        return f"<{type(self).__name__} {state}, fields: {', '.join(self.fields)}>"


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value
