"""Users and groups in the admin (imported by ``covet.admin``'s autodiscovery when both apps are installed).

Passwords are never shown or edited as their hash: the form has two password inputs, required when adding a
user and optional when changing one, checked by the password validators and hashed on save.
"""

from __future__ import annotations

from typing import Any

from covet import admin
from covet.auth.models import Group, get_user_model
from covet.auth.password_validation import validate_password
from covet.exceptions import ValidationError
from covet.forms import CharField, ModelForm, PasswordInput


class UserAdminForm(ModelForm):
    password1 = CharField(
        label="Password", required=False, widget=PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = CharField(
        label="Password confirmation",
        required=False,
        widget=PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Enter the same password as before, for verification. Leave both empty to keep the password.",
    )

    def clean(self) -> Any:
        data = self.cleaned_data
        first, second = data.get("password1") or "", data.get("password2") or ""
        if self.instance.pk is None and not first:
            self.add_error("password1", "A new user needs a password.")
        elif first != second:
            self.add_error("password2", "The two password fields didn\u2019t match.")
        elif first:
            try:
                validate_password(first, self.instance)
            except ValidationError as exc:
                self.add_error("password1", [message for group in exc.messages.values() for message in group])
        return data


class UserAdmin(admin.ModelAdmin):
    form = UserAdminForm
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
