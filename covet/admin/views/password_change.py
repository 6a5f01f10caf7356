"""Change your own password: the old one, then the new one twice (validated by the password validators)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from covet.admin.rendering import admin_render
from covet.auth import login
from covet.auth.password_validation import validate_password
from covet.exceptions import ValidationError
from covet.http import RedirectResponse, Response
from covet.messages import api as messages

from .common import staff_member_view

if TYPE_CHECKING:
    from covet.admin.sites import AdminSite
    from covet.http import Request


@staff_member_view
async def password_change_view(site: AdminSite, request: Request) -> Response:
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = await request.form()
        user = request.user
        old, new1, new2 = (str(form.get(name, "")) for name in ("old_password", "new_password1", "new_password2"))
        errors = await _check(user, old, new1, new2)
        if not errors:
            await user.set_password(new1)
            await user.save(update_fields=["password"])
            await login(request, user)  # a new session bound to the new password; the other sessions end
            messages.success(request, "Your password was changed.")
            return RedirectResponse(site.url(), status_code=303)
    context = {"title": "Password change", "errors": errors}
    return admin_render(request, site, "admin/password_change.html", context, status_code=400 if errors else 200)


async def _check(user: Any, old: str, new1: str, new2: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not old or not await user.check_password(old):
        errors["old_password"] = ["Your old password was entered incorrectly. Please enter it again."]
    if not new1:
        errors["new_password1"] = ["Enter a new password."]
    elif new1 != new2:
        errors["new_password2"] = ["The two password fields didn\u2019t match."]
    else:
        try:
            validate_password(new1, user)
        except ValidationError as exc:
            errors["new_password1"] = [message for group in exc.messages.values() for message in group]
    return errors
