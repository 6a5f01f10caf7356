"""Password validators: length, common passwords, all-numeric, similarity to the user's own data.

``settings.AUTH_PASSWORD_VALIDATORS`` lists them as ``{"NAME": dotted path, "OPTIONS": {...}}``;
when the setting is absent all four below run with their defaults (secure by default).
``validate_password(password, user)`` raises one ``ValidationError`` listing every failure.
"""

from __future__ import annotations

import functools
import gzip
import re
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Protocol

from covet.conf.importing import import_string
from covet.exceptions import ValidationError

DEFAULT_PASSWORD_VALIDATORS: list[dict[str, Any]] = [
    {"NAME": "covet.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "covet.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "covet.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "covet.auth.password_validation.NumericPasswordValidator"},
]

COMMON_PASSWORDS_PATH = Path(__file__).with_name("common_passwords.txt.gz")


class PasswordValidator(Protocol):
    def validate(self, password: str, user: Any = None) -> None: ...

    def get_help_text(self) -> str: ...


class MinimumLengthValidator:
    def __init__(self, min_length: int = 8) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                f"This password is too short ({len(password)} characters): use at least {self.min_length}.",
                code="password_too_short",
            )

    def get_help_text(self) -> str:
        return f"Your password must contain at least {self.min_length} characters."


_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})
_EDGE_NOISE = re.compile(r"^[\W\d_]+|[\W\d_]+$")


class CommonPasswordValidator:
    """Refuses passwords from a list of common ones (shipped gzipped, one per line).

    Besides exact matches it catches the usual disguises: letter case, leetspeak
    (``p@ssw0rd``) and digits or symbols stuck on either end (``Password2024!``).
    """

    def __init__(self, password_list_path: str | Path = COMMON_PASSWORDS_PATH) -> None:
        self.passwords = _load_password_list(str(password_list_path))

    def candidates(self, password: str) -> set[str]:
        lowered = password.lower().strip()
        found = {lowered}
        stripped = _EDGE_NOISE.sub("", lowered)  # before leetspeak, which would turn a trailing "2024!" into letters
        if len(stripped) >= 4:
            found.add(stripped)
        found |= {text.translate(_LEET) for text in found}
        return found

    def validate(self, password: str, user: Any = None) -> None:
        if self.candidates(password) & self.passwords:
            raise ValidationError(
                "This password is too common: choose one that is not on lists of leaked passwords.",
                code="password_too_common",
            )

    def get_help_text(self) -> str:
        return "Your password can't be a commonly used password."


@functools.lru_cache(maxsize=4)
def _load_password_list(path: str) -> frozenset[str]:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip())


class NumericPasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if password.isdigit():
            raise ValidationError(
                "This password is entirely numeric: add letters or symbols.", code="password_entirely_numeric"
            )

    def get_help_text(self) -> str:
        return "Your password can't be entirely numeric."


class UserAttributeSimilarityValidator:
    """Refuses passwords too similar to the user's username, names or email (or a part of them)."""

    DEFAULT_USER_ATTRIBUTES = ("username", "first_name", "last_name", "email")

    def __init__(self, user_attributes: Sequence[str] = DEFAULT_USER_ATTRIBUTES, max_similarity: float = 0.7) -> None:
        if max_similarity < 0.1:
            raise ValueError("max_similarity must be at least 0.1, or every password would be refused.")
        self.user_attributes = user_attributes
        self.max_similarity = max_similarity

    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        lowered = password.lower()
        for attribute in self.user_attributes:
            value = getattr(user, attribute, None)
            if not isinstance(value, str) or not value:
                continue
            parts = {value.lower(), *re.split(r"\W+", value.lower())}
            for part in parts:
                if len(part) < 3:
                    continue
                if part in lowered or SequenceMatcher(a=lowered, b=part).quick_ratio() >= self.max_similarity:
                    label = attribute.replace("_", " ")
                    raise ValidationError(f"The password is too similar to the {label}.", code="password_too_similar")

    def get_help_text(self) -> str:
        return "Your password can't be too similar to your other personal information."


def get_password_validators(config: Iterable[dict[str, Any]] | None = None) -> list[PasswordValidator]:
    """Instantiate validators from ``config`` (default: ``settings.AUTH_PASSWORD_VALIDATORS``)."""
    if config is None:
        from covet.conf import settings

        config = getattr(settings, "AUTH_PASSWORD_VALIDATORS", None)
        if config is None:
            config = DEFAULT_PASSWORD_VALIDATORS
    validators: list[PasswordValidator] = []
    for entry in config:
        cls = import_string(entry.get("NAME", ""), setting="AUTH_PASSWORD_VALIDATORS (check its NAME)")
        validators.append(cls(**entry.get("OPTIONS", {})))
    return validators


def validate_password(
    password: str, user: Any = None, password_validators: Sequence[PasswordValidator] | None = None
) -> None:
    """Run every validator; raise one ``ValidationError`` listing all failures (nothing if the password is fine)."""
    validators = get_password_validators() if password_validators is None else password_validators
    errors: list[str] = []
    for validator in validators:
        try:
            validator.validate(password, user)
        except ValidationError as exc:
            errors.extend(msg for msgs in exc.messages.values() for msg in msgs)
    if errors:
        raise ValidationError(errors, code="password_invalid")


def password_validators_help_texts(password_validators: Sequence[PasswordValidator] | None = None) -> list[str]:
    validators = get_password_validators() if password_validators is None else password_validators
    return [validator.get_help_text() for validator in validators]
