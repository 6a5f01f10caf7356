"""What a session backend does: load data for a cookie value, save data and return the cookie value."""

from __future__ import annotations

import secrets
from abc import ABC, abstractmethod
from typing import Any

SESSION_KEY_BYTES = 32


def new_session_key() -> str:
    """An unguessable session key (256 bits, URL-safe)."""
    return secrets.token_urlsafe(SESSION_KEY_BYTES)


def looks_like_session_key(value: str) -> bool:
    """Cheap syntax check before touching the store: keys are 43 URL-safe characters."""
    return len(value) == 43 and all(ch.isalnum() or ch in "-_" for ch in value)


class SessionBackend(ABC):
    """Storage of session data. ``age`` is the session lifetime in seconds (``SESSION_COOKIE_AGE``)."""

    def __init__(self, age: int) -> None:
        self.age = age

    @abstractmethod
    async def load(self, cookie_value: str) -> dict[str, Any] | None:
        """The session data for a cookie value, or None when unknown, expired or tampered with."""

    @abstractmethod
    async def save(self, key: str | None, data: dict[str, Any]) -> str:
        """Store ``data`` (under ``key``, or a new key when None); return the value for the cookie."""

    @abstractmethod
    async def delete(self, key: str) -> None:
        """Forget the session stored under ``key`` (nothing to do for client-side sessions)."""
