"""Inlines: edit the objects pointing at a parent (``TabularInline``, ``StackedInline``) on its change page.

Each inline posts a management form (``<prefix>-TOTAL_FORMS``, ``<prefix>-INITIAL_FORMS``) and one form per
object with the prefix ``<prefix>-<n>``; existing objects carry their key in ``<prefix>-<n>-id`` and may be ticked
``<prefix>-<n>-DELETE``. Empty extra forms are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from covet.admin.forms import build_form_class, load_form_choices
from covet.admin.options import BaseModelAdmin
from covet.exceptions import ImproperlyConfigured
from covet.forms import ModelForm

if TYPE_CHECKING:
    from covet.admin.sites import AdminSite
    from covet.http import Request

MAX_FORMS = 1000


class InlineModelAdmin(BaseModelAdmin):
    """Options of one inline; ``fk_name`` picks the ForeignKey when the model has several to the parent."""

    fk_name: str | None = None
    extra = 3
    max_num: int | None = None
    can_delete = True
    verbose_name: str | None = None
    verbose_name_plural: str | None = None
    template = "admin/edit_inline/tabular.html"

    def __init__(self, parent_model: Any, admin_site: AdminSite) -> None:
        self.parent_model = parent_model
        self.admin_site = admin_site
        self.fk = self._find_fk()
        self.prefix = self._prefix()

    def _prefix(self) -> str:
        for relation in self.parent_model._meta.related_objects:
            if relation.field is self.fk:
                return str(relation.accessor_name)
        return f"{self.opts.model_name}_set"

    def _find_fk(self) -> Any:
        candidates = [
            field
            for field in self.opts.fields
            if getattr(field, "is_relation", False)
            and getattr(field, "remote_model", None) is self.parent_model
            and (self.fk_name is None or field.name == self.fk_name)
        ]
        if len(candidates) != 1:
            found = "no ForeignKey" if not candidates else "several ForeignKeys"
            raise ImproperlyConfigured(
                f"{type(self).__name__}: {self.model.__name__} has {found} to {self.parent_model.__name__}"
                + (f" named {self.fk_name!r}" if self.fk_name else "")
                + "; set fk_name to the one to use." * bool(candidates)
            )
        return candidates[0]

    @property
    def title(self) -> str:
        return str(self.verbose_name_plural or self.opts.verbose_name_plural).capitalize()

    async def _parent_perm(self, request: Request, action: str) -> bool:
        parent = self.admin_site.get_model_admin(self.parent_model)
        check = getattr(parent, f"has_{action}_permission")
        return bool(await check(request))

    async def get_formset(
        self,
        request: Request,
        parent: Any,
        data: Mapping[str, Any] | None,
        *,
        read_only: bool = False,
        copying: bool = False,
    ) -> InlineFormSet:
        """The inline's forms for ``parent`` (None for a new one), bound to ``data`` when posted; ``read_only`` when
        the user may only view the parent; ``copying`` for "Save as new" (the posted rows become new objects)."""
        form_class = build_form_class(self, self.form_field_names(request, parent, skip=[self.fk.name]))
        existing: list[Any] = []
        if parent is not None and parent.pk is not None:
            existing = await self.get_queryset(request).filter(**{self.fk.name: parent.pk}).order_by("pk")
        rights = (
            InlineRights(False, False, False)
            if read_only
            else InlineRights(
                add=await self.has_add_permission(request, parent),
                change=await self.has_change_permission(request, parent),
                delete=self.can_delete and await self.has_delete_permission(request, parent),
            )
        )
        formset = InlineFormSet(self, form_class, parent, existing, data, rights)
        formset.copying = copying
        await formset.build()
        return formset


@dataclass(frozen=True)
class InlineRights:
    """What the user may do to the inline's objects: its model's own add/change/delete permissions."""

    add: bool = True
    change: bool = True
    delete: bool = True


class TabularInline(InlineModelAdmin):
    """Related objects as rows of a table."""

    template = "admin/edit_inline/tabular.html"


class StackedInline(InlineModelAdmin):
    """Related objects one under the other, each with its fields stacked like the main form."""

    template = "admin/edit_inline/stacked.html"


class InlineFormSet:
    """The forms of one inline on one page: existing objects, then ``extra`` empty ones."""

    def __init__(
        self,
        inline: InlineModelAdmin,
        form_class: type[ModelForm],
        parent: Any,
        existing: list[Any],
        data: Mapping[str, Any] | None,
        rights: InlineRights | None = None,
    ) -> None:
        self.inline = inline
        self.rights = rights or InlineRights()
        self.form_class = form_class
        self.parent = parent
        self.existing = existing
        self.data = data
        self.prefix = inline.prefix
        self.forms: list[ModelForm] = []
        self.deleted: list[Any] = []
        self.messages: list[str] = []
        self.errors_present = False
        self.copying = False  # "Save as new": rows ticked for deletion are left out of the copy

    @property
    def is_bound(self) -> bool:
        return self.data is not None

    def _total(self) -> int:
        if not self.rights.add:
            return len(self.existing)
        if self.data is None:
            total = len(self.existing) + self.inline.extra
        else:
            try:
                total = int(self.data.get(f"{self.prefix}-TOTAL_FORMS", len(self.existing)))
            except (TypeError, ValueError):
                total = len(self.existing)
        if self.inline.max_num is not None:
            total = min(total, max(self.inline.max_num, len(self.existing)))
        return max(len(self.existing), min(total, MAX_FORMS))

    async def build(self) -> None:
        for index in range(self._total()):
            instance = self.existing[index] if index < len(self.existing) else None
            form = self.form_class(self.data, instance=instance, prefix=f"{self.prefix}-{index}")
            if instance is not None and not self.rights.change:
                for field in form.fields.values():
                    field.disabled = True  # shown; what is posted for it is ignored
            await load_form_choices(form, self.inline)
            self.forms.append(form)

    def management_data(self) -> dict[str, int]:
        return {"TOTAL_FORMS": len(self.forms), "INITIAL_FORMS": len(self.existing)}

    def is_deleting(self, index: int) -> bool:
        if self.data is None or not self.rights.delete or index >= len(self.existing):
            return False
        return self._ticked(index)

    def is_left_out(self, index: int) -> bool:
        """A row of the copied object ticked for deletion: neither validated nor saved with the copy."""
        return self.copying and self.data is not None and self._ticked(index)

    def _ticked(self, index: int) -> bool:
        assert self.data is not None
        return str(self.data.get(f"{self.prefix}-{index}-DELETE", "")).lower() in ("on", "1", "true")

    async def is_valid(self) -> bool:
        """Validate every form that matters: existing ones not deleted, and extra ones the user filled in."""
        valid = True
        for index, form in enumerate(self.forms):
            if self.is_deleting(index) or self.is_left_out(index):
                continue
            if index >= len(self.existing) and not form.has_changed():
                continue
            fk = self.inline.fk
            if self.parent is not None and self.parent.pk is not None:
                form.instance.__dict__[fk.attname] = self.parent.pk
            if not await form.is_valid():
                valid = False
        self.errors_present = not valid
        return valid

    async def save(self) -> None:
        """Save changed and new objects (pointing at the saved parent) and delete the ticked ones."""
        label = str(self.inline.opts.verbose_name)
        for index, form in enumerate(self.forms):
            if self.is_deleting(index):
                obj = self.existing[index]
                await obj.delete()
                self.messages.append(f"Deleted {label} “{obj}”.")
                continue
            is_new = index >= len(self.existing)
            if not form.has_changed() or self.is_left_out(index):
                continue
            form.instance.__dict__[self.inline.fk.attname] = self.parent.pk
            obj = await form.save()
            verb = "Added" if is_new else "Changed"
            self.messages.append(f"{verb} {label} “{obj}”.")

    def change_messages(self) -> list[str]:
        return list(self.messages)
