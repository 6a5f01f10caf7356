"""The "+" related-object popups: which fields of a form get an add link, which ``_to_field`` a popup may ask
for, and the page that hands the new object back to the window that opened the popup.

A select for a foreign key (or many-to-many field) gets a "+" link to the related model's add form with
``?_to_field=<key>&_popup=1`` when that model is registered on the same site and the user may add to it.
``admin.js`` opens the link in a popup window named after the select; once the popup's form is saved, the
popup answers with ``admin/popup_response.html``, whose script calls ``covetAdmin.dismissAddRelatedObjectPopup``
in the opener: the new object is added to the select, selected, and the popup closes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from covet.exceptions import BadRequest

if TYPE_CHECKING:
    from covet.admin.options import BaseModelAdmin, ModelAdmin
    from covet.admin.sites import AdminSite
    from covet.forms import ModelForm
    from covet.http import Request, Response

IS_POPUP_VAR = "_popup"
TO_FIELD_VAR = "_to_field"


async def related_add_links(model_admin: BaseModelAdmin, request: Request, form: ModelForm) -> dict[str, str]:
    """``field name -> add URL`` for the relation selects of ``form`` whose related model the user may add to.

    Raw-id inputs get no link (they are typed keys, not a list of choices)."""
    site = model_admin.admin_site
    links: dict[str, str] = {}
    for name, form_field in form.fields.items():
        if form_field.disabled or name in model_admin.raw_id_fields:
            continue
        model_field = _model_field(model_admin, name)
        remote = getattr(model_field, "remote_model", None)
        if remote is None or not site.is_registered(remote):
            continue
        related_admin = site.get_model_admin(remote)
        if not await related_admin.has_add_permission(request):
            continue
        target = getattr(model_field, "target_field", None) or remote._meta.pk
        query = urlencode({TO_FIELD_VAR: target.attname, IS_POPUP_VAR: 1})
        links[name] = related_admin.url("add", query=query)
    return links


def _model_field(model_admin: BaseModelAdmin, name: str) -> Any:
    try:
        return model_admin.opts.get_field(name)
    except Exception:  # a field declared on the form only
        return None


def to_field_allowed(site: AdminSite, model: Any, to_field: str) -> bool:
    """Whether a popup may hand back ``to_field`` of ``model``: its primary key, or the field some registered
    model's relation points at. Anything else could read a column the admin does not otherwise show."""
    opts = model._meta
    try:
        field = opts.get_field(to_field)
    except Exception:
        field = next((f for f in opts.fields if f.attname == to_field), None)
    if field is None:
        return False
    if getattr(field, "primary_key", False):
        return True
    for registered in site.registry:
        for candidate in registered._meta.get_fields(include_reverse=False):
            if getattr(candidate, "remote_model", None) is model and getattr(candidate, "target_field", None) is field:
                return True
    return False


def popup_state(model_admin: ModelAdmin, request: Request, posted: Any) -> tuple[bool, str | None]:
    """``(is_popup, to_field)`` of this request, from the query string or the posted form; a ``_to_field``
    that may not be referenced is a 400 error."""
    sources = [request.query_params] + ([posted] if posted is not None else [])
    is_popup = any(IS_POPUP_VAR in source for source in sources)
    to_field = next((source.get(TO_FIELD_VAR) for source in sources if source.get(TO_FIELD_VAR)), None)
    if to_field and not to_field_allowed(model_admin.admin_site, model_admin.model, str(to_field)):
        raise BadRequest(
            f"The field {to_field!r} of {model_admin.opts.label} cannot be referenced: a popup may only ask for "
            "the primary key or a field that a registered model's foreign key points at."
        )
    return is_popup, str(to_field) if to_field else None


def popup_response(model_admin: ModelAdmin, request: Request, obj: Any, to_field: str | None) -> Response:
    """The page a popup shows once its object is saved: its script selects ``obj`` in the opener and closes."""
    from covet.admin.rendering import admin_render

    attname = to_field or model_admin.opts.pk.attname
    value = obj.__dict__.get(attname, obj.pk)
    data = json.dumps({"value": str(value), "obj": str(obj)})
    return admin_render(
        request,
        model_admin.admin_site,
        "admin/popup_response.html",
        {"title": "Popup closing…", "popup_response_data": data, "opts": model_admin.opts, "obj": obj},
    )
