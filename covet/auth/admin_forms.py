"""The user form of the admin: two password inputs instead of the stored hash (see ``covet.auth.admin``).

A module of its own so that registering ``UserAdmin`` at start-up does not import the forms package.
"""

from __future__ import annotations

from typing import Any

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
