"""``/admin/autocomplete/``: the JSON search behind ``autocomplete_fields``.

``GET ?app_label=blog&model_name=post&field_name=author&term=ad&page=1`` ->
``{"results": [{"id": "3", "text": "ada"}], "pagination": {"more": false}}``. The user needs the view permission on
the model whose form asks, and the related model must be registered with ``search_fields``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from covet.exceptions import BadRequest, PermissionDenied
from covet.http import JSONResponse, Response
from covet.orm import FieldError

from .common import staff_member_view

if TYPE_CHECKING:
    from covet.admin.sites import AdminSite
    from covet.http import Request

PAGE_SIZE = 20


@staff_member_view
async def autocomplete_view(site: AdminSite, request: Request) -> Response:
    params = request.query_params
    missing = [name for name in ("app_label", "model_name", "field_name") if not params.get(name)]
    if missing:
        raise BadRequest(f"The autocomplete needs the query parameter(s) {', '.join(missing)}.")
    source_admin = site.model_admin_for(params["app_label"], params["model_name"])
    field_name = params["field_name"]
    if field_name not in source_admin.autocomplete_fields:
        raise PermissionDenied(f"{field_name!r} is not in autocomplete_fields of {source_admin.opts.label}.")
    try:
        field = source_admin.opts.get_field(field_name)
    except FieldError as exc:
        raise BadRequest(str(exc)) from None
    remote = field.remote_model
    if not site.is_registered(remote):
        raise PermissionDenied(f"{remote._meta.label} is not registered with the admin, so it cannot be searched.")
    remote_admin = site.get_model_admin(remote)
    if not remote_admin.get_search_fields(request):
        raise PermissionDenied(f"{type(remote_admin).__name__} must define search_fields for the autocomplete.")
    if not (await source_admin.has_view_permission(request) or await source_admin.has_change_permission(request)):
        raise PermissionDenied("You may not view these objects.")
    page_param = params.get("page", "1")
    page = int(page_param) if page_param.isdigit() and int(page_param) > 0 else 1
    queryset, may_repeat = await remote_admin.get_search_results(
        request, remote_admin.get_queryset(request), params.get("term", "")
    )
    if may_repeat:
        queryset = queryset.distinct()
    ordering = remote_admin.get_ordering(request) or remote._meta.ordering or ["pk"]
    start = (page - 1) * PAGE_SIZE
    rows = await queryset.order_by(*ordering)[start : start + PAGE_SIZE + 1]
    results = [{"id": str(obj.pk), "text": str(obj)} for obj in rows[:PAGE_SIZE]]
    return JSONResponse({"results": results, "pagination": {"more": len(rows) > PAGE_SIZE}})
