"""``ModelBackend``: sign-in against the user model (``AUTH_USER_MODEL``) with argon2 password checks."""

from __future__ import annotations

from typing import Any

import anyio.to_thread

from covet.auth import hashers
from covet.auth.models import get_user_model
from covet.exceptions import ValidationError
from covet.http import Request
from covet.orm import ObjectDoesNotExist


class ModelBackend:
    """Users by username (the model's ``USERNAME_FIELD``) and password; inactive users cannot sign in."""

    async def authenticate(
        self, request: Request | None, username: str | None = None, password: str | None = None, **fields: Any
    ) -> Any:
        user_model = get_user_model()
        if username is None:
            username = fields.get(user_model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        try:
            user = await user_model.objects.get(**{user_model.USERNAME_FIELD: username})
        except ObjectDoesNotExist:
            # As slow as a wrong password, so response times do not reveal which usernames exist.
            await anyio.to_thread.run_sync(hashers.run_dummy_check, password)
            return None
        if await user.check_password(password) and user.is_active:
            return user
        return None

    async def get_user(self, user_id: Any) -> Any:
        user_model = get_user_model()
        try:
            user = await user_model.objects.get(pk=user_id)
        except (ObjectDoesNotExist, ValidationError, ValueError, TypeError):
            return None
        return user if user.is_active else None

    async def has_perm(self, user: Any, perm: str) -> bool:
        return bool(await user.has_perm(perm))
