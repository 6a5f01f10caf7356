"""Sessions kept in the cookie itself: signed (HMAC-SHA256, salted) and timestamped, not encrypted.

No server state, so every instance reads them; but the data is readable by the client (store no
secrets), limited to ~4 KB, and a copied cookie stays valid until it expires (logout cannot revoke
it). Prefer the cache or db backend when that matters.
"""

from __future__ import annotations

from typing import Any

from covet import signing
from covet.auth.sessions.backends.base import SessionBackend

SALT = "covet.auth.sessions.signed_cookie"
MAX_COOKIE_BYTES = 4093


class SignedCookieBackend(SessionBackend):
    async def load(self, cookie_value: str) -> dict[str, Any] | None:
        try:
            data = signing.loads(cookie_value, salt=SALT, max_age=self.age)
        except signing.BadSignature:
            return None
        return data if isinstance(data, dict) else None

    async def save(self, key: str | None, data: dict[str, Any]) -> str:
        value = signing.dumps(data, salt=SALT, compress=True)
        if len(value) > MAX_COOKIE_BYTES:
            raise ValueError(
                f"Session data is {len(value)} bytes once signed, over the {MAX_COOKIE_BYTES}-byte cookie limit: "
                "store less in the session or use the cache or db session backend."
            )
        return value

    async def delete(self, key: str) -> None:
        return None
