"""Password hashing with Argon2id (argon2-cffi) — the only algorithm Covet stores.

Parameters come from settings (read on every call, so overrides apply at once):

* ``ARGON2_TIME_COST`` (default 3 iterations),
* ``ARGON2_MEMORY_COST`` (default 65536 KiB = 64 MiB),
* ``ARGON2_PARALLELISM`` (default 4 lanes).

``check_password`` verifies in constant time (argon2's own comparison) and reports through
``needs_rehash`` when a stored hash was made with other parameters, so callers re-hash on
the next successful login. Hashing costs tens of milliseconds of CPU by design: from async
code call these functions through a worker thread (``User.check_password`` does).
"""

from __future__ import annotations

import functools
import secrets
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher

DEFAULT_TIME_COST = 3
DEFAULT_MEMORY_COST = 65536
DEFAULT_PARALLELISM = 4

UNUSABLE_PASSWORD_PREFIX = "!"
ALGORITHM_PREFIX = "$argon2id$"


@functools.lru_cache(maxsize=8)
def _hasher_for(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    # argon2-cffi (and its C bindings) load with the first hash, not with every process that imports the models.
    from argon2 import PasswordHasher, Type

    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism, type=Type.ID)


def get_hasher() -> PasswordHasher:
    """The argon2 hasher with the parameters currently in settings."""
    from covet.conf import settings

    return _hasher_for(
        int(getattr(settings, "ARGON2_TIME_COST", DEFAULT_TIME_COST)),
        int(getattr(settings, "ARGON2_MEMORY_COST", DEFAULT_MEMORY_COST)),
        int(getattr(settings, "ARGON2_PARALLELISM", DEFAULT_PARALLELISM)),
    )


def make_password(password: str | None) -> str:
    """An argon2id hash of ``password``; ``None`` gives an unusable password that never matches."""
    if password is None:
        return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)
    if not isinstance(password, str):
        raise TypeError(f"Password must be a string or None, got {type(password).__name__}.")
    return get_hasher().hash(password)


def is_password_usable(encoded: str | None) -> bool:
    return bool(encoded) and not str(encoded).startswith(UNUSABLE_PASSWORD_PREFIX)


def check_password(password: str | None, encoded: str | None) -> bool:
    """Whether ``password`` matches the stored hash (never raises on a malformed or foreign hash)."""
    if password is None or not is_password_usable(encoded) or not str(encoded).startswith(ALGORITHM_PREFIX):
        return False
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return get_hasher().verify(str(encoded), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(encoded: str) -> bool:
    """Whether a (valid) stored hash was made with parameters other than the current settings."""
    from argon2.exceptions import InvalidHashError

    try:
        return get_hasher().check_needs_rehash(encoded)
    except InvalidHashError:
        return True


def run_dummy_check(password: str) -> None:
    """Spend the time of one verification, so "no such user" is not faster than "wrong password"."""
    check_password(password, _dummy_hash())


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return make_password(secrets.token_urlsafe(16))
