"""Sessions in the database (``covet.auth`` must be installed and migrated): table ``auth_session``.

Server-side like the cache engine, but durable across restarts; expired rows are ignored on load and
removed by ``StoredSession.clear_expired()``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from covet.auth.sessions.backends.base import SessionBackend, looks_like_session_key, new_session_key
from covet.orm import IntegrityError, ObjectDoesNotExist


class DatabaseSessionBackend(SessionBackend):
    def _expiry(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.age)

    async def load(self, cookie_value: str) -> dict[str, Any] | None:
        from covet.auth.models import StoredSession

        if not looks_like_session_key(cookie_value):
            return None
        try:
            stored = await StoredSession.objects.get(session_key=cookie_value, expires__gt=datetime.now(UTC))
        except ObjectDoesNotExist:
            return None
        return stored.data if isinstance(stored.data, dict) else None

    async def save(self, key: str | None, data: dict[str, Any]) -> str:
        from covet.auth.models import StoredSession

        if key is not None:
            updated = await StoredSession.objects.filter(session_key=key).update(data=data, expires=self._expiry())
            if updated:
                return key
        while True:  # a new key; the primary key refuses a collision with a live session
            fresh = new_session_key()
            try:
                await StoredSession.objects.create(session_key=fresh, data=data, expires=self._expiry())
            except IntegrityError:
                continue
            return fresh

    async def delete(self, key: str) -> None:
        from covet.auth.models import StoredSession

        await StoredSession.objects.filter(session_key=key).delete()
