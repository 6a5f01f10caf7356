"""``AnonymousUser``: what ``request.user`` is when nobody is signed in."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class AnonymousUser:
    """Quacks like a user with no rights, so views can test ``request.user.is_authenticated`` uniformly."""

    pk = None
    id = None
    username = ""
    email = ""
    is_active = False
    is_staff = False
    is_superuser = False
    is_authenticated = False
    is_anonymous = True

    def __str__(self) -> str:
        return "AnonymousUser"

    def __repr__(self) -> str:
        return "<AnonymousUser>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AnonymousUser)

    def __hash__(self) -> int:
        return 1

    async def has_perm(self, perm: str, obj: Any = None) -> bool:
        return False

    async def has_perms(self, perms: Iterable[str], obj: Any = None) -> bool:
        return False

    async def get_all_permissions(self) -> set[str]:
        return set()
