"""Users and groups in the admin (imported by ``covet.admin``'s autodiscovery when both apps are installed).

Passwords are never shown or edited as their hash: the form has two password inputs, required when adding a
user and optional when changing one, checked by the password validators and hashed on save.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from covet import admin
from covet.admin.options import LazyFormClass
from covet.auth.models import Group, get_user_model

if TYPE_CHECKING:
    from covet.auth.admin_forms import UserAdminForm
    from covet.forms import ModelForm


class UserAdmin(admin.ModelAdmin):
    if TYPE_CHECKING:
        form = UserAdminForm
    else:  # imported with the admin's first user form, not when the admin is registered
        form = LazyFormClass("covet.auth.admin_forms.UserAdminForm")
    list_display = ["username", "email", "first_name", "last_name", "is_staff"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering = ["username"]
    readonly_fields = ["password_status", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["username", "password_status", ("password1", "password2")]}),
        ("Personal info", {"fields": [("first_name", "last_name"), "email"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Important dates", {"fields": ["last_login", "date_joined"], "classes": ["collapse"]}),
    ]

    @admin.display(description="Password")
    def password_status(self, user: Any) -> str:
        if not user.pk:
            return "Set below."
        return "Set (stored as an argon2id hash)." if user.has_usable_password() else "No password set."

    async def save_model(self, request: Any, obj: Any, form: ModelForm, change: bool) -> None:
        password = form.cleaned_data.get("password1")
        if password:
            await obj.set_password(password)
        await obj.save()


class GroupAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    ordering = ["name"]
    filter_horizontal = ["permissions"]


admin.site.register(get_user_model(), UserAdmin)
admin.site.register(Group, GroupAdmin)
