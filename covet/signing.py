"""Tamper-proof values: HMAC-SHA256 signatures, optional timestamps, and key rotation.

``Signer`` appends ``:<signature>`` to a string; ``TimestampSigner`` also embeds the signing
time so ``unsign(max_age=...)`` can refuse old values. ``dumps()``/``loads()`` sign a
JSON-able object (orjson, URL-safe base64, optionally zlib-compressed) — the format of
signed-cookie sessions and CSRF cookies.

Keys: new signatures use ``settings.SECRET_KEY``; ``settings.SECRET_KEY_FALLBACKS`` (a list,
default empty) are still accepted when verifying, so a key can be rotated without logging
everyone out. Every signing key is derived per ``salt``, so a value signed for one purpose
(say, sessions) is never accepted for another (say, password reset).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import time
import zlib
from collections.abc import Sequence
from typing import Any

import orjson

from covet.exceptions import ImproperlyConfigured

SEPARATOR = ":"


class BadSignature(Exception):
    """The value was not signed with any of our keys (tampered, truncated, or for another salt)."""


class SignatureExpired(BadSignature):
    """The signature is valid but older than ``max_age``."""


def b64_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64_decode(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii"))


@functools.lru_cache(maxsize=64)
def _derive(salt: str, key: str) -> bytes:
    """The HMAC key for one purpose (``salt``) from a secret; cached, as signers are made per request."""
    return hashlib.sha256(f"{salt}|covet.signer|{key}".encode()).digest()


def _configured_keys() -> tuple[str, list[str]]:
    from covet.conf import settings

    secret = getattr(settings, "SECRET_KEY", "")
    if not secret:
        raise ImproperlyConfigured(
            "settings.SECRET_KEY is empty: signing (sessions, CSRF, tokens) needs a long random secret. "
            'Set SECRET_KEY in your settings or the environment, e.g. python -c "import secrets; '
            'print(secrets.token_urlsafe(50))".'
        )
    return secret, list(getattr(settings, "SECRET_KEY_FALLBACKS", []))


class Signer:
    """Sign and verify strings. ``key``/``fallback_keys`` default to SECRET_KEY/SECRET_KEY_FALLBACKS."""

    def __init__(
        self, key: str | None = None, *, salt: str = "covet.signing", fallback_keys: Sequence[str] | None = None
    ) -> None:
        if key is None:
            key, configured_fallbacks = _configured_keys()
            fallback_keys = configured_fallbacks if fallback_keys is None else fallback_keys
        if not key:
            raise ImproperlyConfigured(
                "Signer(key=...) got an empty key: pass a long random secret, or leave key out to use SECRET_KEY."
            )
        self.salt = salt
        self._keys = [_derive(salt, k) for k in (key, *(fallback_keys or ()))]

    def signature(self, value: str, derived_key: bytes | None = None) -> str:
        digest = hmac.new(derived_key or self._keys[0], value.encode(), hashlib.sha256).digest()
        return b64_encode(digest)

    def sign(self, value: str) -> str:
        return f"{value}{SEPARATOR}{self.signature(value)}"

    def unsign(self, signed_value: str) -> str:
        """The original value; ``BadSignature`` unless one of our keys signed it."""
        value, sep, sig = signed_value.rpartition(SEPARATOR)
        if not sep:
            raise BadSignature("No signature found in the value.")
        for derived in self._keys:
            if hmac.compare_digest(sig.encode(), self.signature(value, derived).encode()):
                return value
        raise BadSignature("Signature does not match.")


class TimestampSigner(Signer):
    """A Signer whose values carry their signing time (seconds, base 62) for ``max_age`` checks."""

    def timestamp(self) -> str:
        return _base62(int(time.time()))

    def sign(self, value: str) -> str:
        return super().sign(f"{value}{SEPARATOR}{self.timestamp()}")

    def unsign(self, signed_value: str, max_age: float | None = None) -> str:
        value, _, stamp = super().unsign(signed_value).rpartition(SEPARATOR)
        if max_age is not None:
            try:
                age = time.time() - _from_base62(stamp)
            except ValueError as exc:
                raise BadSignature("Malformed timestamp.") from exc
            if age > max_age:
                raise SignatureExpired(f"Signature age {age:.0f}s is over the limit of {max_age:.0f}s.")
        return value


def dumps(obj: Any, *, key: str | None = None, salt: str = "covet.signing", compress: bool = False) -> str:
    """A URL-safe, timestamped, signed string holding the JSON-able ``obj``."""
    data = orjson.dumps(obj)
    prefix = ""
    if compress:
        packed = zlib.compress(data)
        if len(packed) < len(data) - 1:
            data, prefix = packed, "."  # a leading dot marks a compressed payload
    return TimestampSigner(key, salt=salt).sign(prefix + b64_encode(data))


def loads(signed: str, *, key: str | None = None, salt: str = "covet.signing", max_age: float | None = None) -> Any:
    """The object from :func:`dumps`; ``BadSignature``/``SignatureExpired`` if tampered or too old."""
    payload = TimestampSigner(key, salt=salt).unsign(signed, max_age=max_age)
    try:
        data = b64_decode(payload.removeprefix("."))
        if payload.startswith("."):
            data = zlib.decompress(data)
        return orjson.loads(data)
    except (ValueError, zlib.error, orjson.JSONDecodeError) as exc:  # signed by us but unreadable: treat as bad
        raise BadSignature("Signed payload is not valid data.") from exc


_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _base62(number: int) -> str:
    digits = ""
    while True:
        number, rem = divmod(number, 62)
        digits = _ALPHABET[rem] + digits
        if number == 0:
            return digits


def _from_base62(text: str) -> int:
    if not text:
        raise ValueError("empty")
    number = 0
    for ch in text:
        index = _ALPHABET.find(ch)
        if index < 0:
            raise ValueError(f"not base 62: {ch!r}")
        number = number * 62 + index
    return number
