"""Built-in changelist actions: ``delete_selected``, with its confirmation page listing the cascade."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from covet.admin.decorators import action
from covet.admin.deletion import summarize_deletion
from covet.exceptions import PermissionDenied
from covet.orm import ProtectedError, RestrictedError, atomic

if TYPE_CHECKING:
    from covet.admin.options import ModelAdmin
    from covet.http import Request, Response


@action(description="Delete selected %(verbose_name_plural)s", permissions=["delete"])
async def delete_selected(model_admin: ModelAdmin, request: Request, queryset: Any) -> Response | None:
    """Ask first (listing everything the cascade removes); delete when the confirmation is posted."""
    # The templates and messages load with the admin's first page, not with every process that imports the site.
    from covet.admin.rendering import admin_render
    from covet.messages import api as messages

    if not await model_admin.has_delete_permission(request):
        raise PermissionDenied("You may not delete these objects.")
    objects = await queryset
    opts = model_admin.opts
    form = await request.form()
    summary = await summarize_deletion(objects)
    if form.get("post") == "yes" and not summary.protected:
        try:
            async with atomic():
                for obj in objects:
                    await model_admin.log_deletion(request, obj, str(obj))
                await model_admin.delete_queryset(request, queryset)
        except (ProtectedError, RestrictedError) as exc:  # rows added since the summary was made
            summary.protected = str(exc)
        else:
            noun = opts.verbose_name if len(objects) == 1 else opts.verbose_name_plural
            messages.success(request, f"Successfully deleted {len(objects)} {noun}.")
            return None
    title = "Cannot delete" if summary.protected else "Are you sure?"
    status = 409 if summary.protected and form.get("post") == "yes" else 200
    return admin_render(
        request,
        model_admin.admin_site,
        "admin/delete_selected_confirmation.html",
        {
            "title": title,
            "model_admin": model_admin,
            "opts": opts,
            "objects": objects,
            "summary": summary,
            "action_name": "delete_selected",
        },
        status_code=status,
    )
