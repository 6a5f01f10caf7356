"""``ModelForm``: a form whose fields come from a model, which validates with the model's ``full_clean()``
and creates or updates an instance with ``await form.save()``::

    class PostForm(ModelForm):
        class Meta:
            model = Post
            fields = ["title", "body", "author", "tags"]

    form = await PostForm.from_request(request, instance=post)   # instance: to change one
    await form.load_choices()                                    # before rendering (ForeignKey/M2M options)
    if await form.is_valid():
        post = await form.save()

``Meta.fields`` (a list, or ``"__all__"``) or ``Meta.exclude`` is required, so that a field added to the model
later (``is_staff``...) never becomes editable by accident. ``Meta.widgets``, ``labels`` and ``help_texts``
override per field; fields declared on the form class win over generated ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from covet.exceptions import ImproperlyConfigured, ValidationError
from covet.forms.fields.base import Field
from covet.forms.form import DeclarativeFieldsMetaclass, Form
from covet.forms.model_fields import formfield_for, is_editable

ALL_FIELDS = "__all__"


class ModelFormOptions:
    def __init__(self, meta: Any) -> None:
        self.model: Any = getattr(meta, "model", None)
        self.fields = getattr(meta, "fields", None)
        self.exclude = list(getattr(meta, "exclude", None) or [])
        self.widgets: dict[str, Any] = dict(getattr(meta, "widgets", None) or {})
        self.labels: dict[str, str] = dict(getattr(meta, "labels", None) or {})
        self.help_texts: dict[str, str] = dict(getattr(meta, "help_texts", None) or {})


def fields_for_model(model: Any, opts: ModelFormOptions, declared: Mapping[str, Field]) -> dict[str, Field]:
    """The generated form fields of ``model``, in ``Meta.fields`` order (else model order)."""
    model_fields = {field.name: field for field in model._meta.get_fields(include_reverse=False)}
    if opts.fields == ALL_FIELDS or opts.fields is None:
        names = [name for name, field in model_fields.items() if is_editable(field)]
    else:
        names = list(opts.fields)
    unknown = [name for name in [*names, *opts.exclude] if name not in model_fields and name not in declared]
    if unknown:
        raise ImproperlyConfigured(
            f"Unknown field(s) {', '.join(unknown)} in the Meta of a ModelForm for {model.__name__}; "
            f"its fields are: {', '.join(model_fields)}."
        )
    generated: dict[str, Field] = {}
    for name in names:
        if name in opts.exclude or name in declared or name not in model_fields:
            continue
        overrides: dict[str, Any] = {}
        if name in opts.widgets:
            overrides["widget"] = opts.widgets[name]
        if name in opts.labels:
            overrides["label"] = opts.labels[name]
        if name in opts.help_texts:
            overrides["help_text"] = opts.help_texts[name]
        field = formfield_for(model_fields[name], **overrides)
        if field is None:
            if opts.fields not in (None, ALL_FIELDS):
                raise ImproperlyConfigured(
                    f"{model.__name__}.{name} is not editable (editable=False, auto_now or an automatic key), "
                    "so it cannot be in a ModelForm's Meta.fields."
                )
            continue
        generated[name] = field
    return generated


class ModelFormMetaclass(DeclarativeFieldsMetaclass):
    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any], **kwargs: Any) -> type:
        cls: Any = super().__new__(mcs, name, bases, attrs, **kwargs)
        opts = ModelFormOptions(getattr(cls, "Meta", None))
        cls._meta = opts
        if opts.model is None:
            return cls  # ModelForm itself, or an abstract base without a model
        if opts.fields is None and not opts.exclude:
            raise ImproperlyConfigured(
                f"{name}.Meta must list the editable fields: fields = [...] (or '__all__'), or exclude = [...]."
            )
        generated = fields_for_model(opts.model, opts, cls.declared_fields)
        ordered = {**generated, **cls.declared_fields}
        if isinstance(opts.fields, list | tuple):
            position = {field_name: index for index, field_name in enumerate(opts.fields)}
            ordered = dict(sorted(ordered.items(), key=lambda item: position.get(item[0], len(position))))
        cls.base_fields = ordered
        return cls


class ModelForm(Form, metaclass=ModelFormMetaclass):
    _meta: ClassVar[ModelFormOptions]

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
        *,
        instance: Any = None,
        initial: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        model = self._meta.model
        if model is None:
            raise ImproperlyConfigured(f"{type(self).__name__} has no Meta.model.")
        self.instance = instance if instance is not None else model()
        super().__init__(data, files, initial={**self.instance_initial(), **(initial or {})}, **kwargs)

    def _model_field(self, name: str) -> Any:
        try:
            return self._meta.model._meta.get_field(name)
        except Exception:
            return None

    def instance_initial(self) -> dict[str, Any]:
        """The instance's current values for the form's fields (foreign keys as their key; many-to-many values
        are added by ``load_choices()``, which can query)."""
        values: dict[str, Any] = {}
        is_new = self.instance.pk is None
        for name in self.base_fields:
            field = self._model_field(name)
            if field is None or field.many_to_many:
                continue
            if is_new and not field.has_default():
                continue
            values[name] = self.instance.__dict__.get(field.attname)
        return values

    async def load_choices(self) -> None:
        """Load the options of ForeignKey and many-to-many fields, and a saved instance's many-to-many values."""
        for name, field in self.fields.items():
            loader = getattr(field, "load_choices", None)
            if loader is not None:
                await loader()
            model_field = self._model_field(name)
            is_many = model_field is not None and model_field.many_to_many
            if is_many and self.instance.pk is not None and name not in self.initial:
                related = await getattr(self.instance, name).all()
                self.initial[name] = [obj.pk for obj in related]

    async def _post_clean(self) -> None:
        """Copy the cleaned values onto the instance, then run its ``full_clean()`` (field checks, ``clean()``,
        uniqueness); the model's messages become the form's errors."""
        for name, value in self.cleaned_data.items():
            field = self._model_field(name)
            if field is None or field.many_to_many:
                continue
            if field.is_relation:
                if value is None:
                    self.instance.__dict__[field.attname] = None
                else:
                    setattr(self.instance, name, value)
            else:
                self.instance.__dict__[field.attname] = value
        model_names = {field.name for field in self._meta.model._meta.get_fields(include_reverse=False)}
        exclude = {name for name in model_names if name not in self.fields} | set(self.errors)
        try:
            await self.instance.full_clean(exclude=exclude)
        except ValidationError as error:
            for key, messages in error.messages.items():
                self.add_error(key if key in self.fields else None, messages)

    async def save(self, commit: bool = True) -> Any:
        """Create or update the instance (and its many-to-many links) in one transaction; returns it.

        With ``commit=False`` nothing is written: save the instance yourself, then ``await form.save_m2m()``.
        """
        if self._errors is None:
            raise RuntimeError(f"Validate {type(self).__name__} first: `if await form.is_valid(): await form.save()`.")
        if self._errors:
            action = "created" if self.instance.pk is None else "changed"
            raise ValueError(
                f"The {self._meta.model.__name__} could not be {action} because the data didn't validate: "
                f"{self.errors.as_json_data()}"
            )
        if commit:
            from covet.orm import atomic

            async with atomic():
                await self.instance.save()
                await self.save_m2m()
        return self.instance

    async def save_m2m(self) -> None:
        """Set the instance's many-to-many relations to the submitted choices (the instance must be saved)."""
        for name, value in self.cleaned_data.items():
            field = self._model_field(name)
            if field is not None and field.many_to_many:
                await getattr(self.instance, name).set(value)
