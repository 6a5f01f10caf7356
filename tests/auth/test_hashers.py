"""Argon2 password hashing: hashes, verification, unusable passwords, and rehash when parameters change."""

from __future__ import annotations

import pytest

from covet.auth import hashers
from covet.conf import settings

FAST = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1}


def test_hash_is_argon2id_and_salted() -> None:
    with settings.override(**FAST):
        first = hashers.make_password("correct horse")
        second = hashers.make_password("correct horse")
    assert first.startswith("$argon2id$") and second.startswith("$argon2id$")
    assert first != second
    assert "correct horse" not in first


def test_check_password() -> None:
    with settings.override(**FAST):
        encoded = hashers.make_password("correct horse")
        assert hashers.check_password("correct horse", encoded)
        assert not hashers.check_password("Correct horse", encoded)
        assert not hashers.check_password("", encoded)
        assert not hashers.check_password(None, encoded)


@pytest.mark.parametrize(
    "stored",
    [None, "", "plain-text-password", "pbkdf2_sha256$600000$salt$hash", "$argon2id$garbage", "!unusable"],
)
def test_foreign_or_malformed_hashes_never_match_and_never_raise(stored: str | None) -> None:
    assert hashers.check_password("plain-text-password", stored) is False


def test_unusable_password() -> None:
    encoded = hashers.make_password(None)
    assert not hashers.is_password_usable(encoded)
    assert not hashers.check_password("", encoded)
    assert hashers.is_password_usable(hashers.make_password("x"))


def test_non_string_password_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="string"):
        hashers.make_password(b"bytes")  # type: ignore[arg-type]


def test_rehash_on_parameter_upgrade() -> None:
    with settings.override(**FAST):
        old = hashers.make_password("s3cret-phrase")
        assert not hashers.needs_rehash(old)
    stronger = {**FAST, "ARGON2_TIME_COST": 2, "ARGON2_MEMORY_COST": 2048}
    with settings.override(**stronger):
        assert hashers.check_password("s3cret-phrase", old)  # old hashes still verify
        assert hashers.needs_rehash(old)
        new = hashers.make_password("s3cret-phrase")
        assert "m=2048,t=2,p=1" in new
        assert not hashers.needs_rehash(new)


def test_default_parameters_are_the_documented_ones() -> None:
    encoded = hashers.make_password("x")
    assert "m=65536,t=3,p=4" in encoded
