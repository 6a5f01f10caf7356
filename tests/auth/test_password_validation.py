"""Password validators: each refuses what it should, with a message saying why, and accepts good passwords."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from covet.auth.password_validation import (
    DEFAULT_PASSWORD_VALIDATORS,
    CommonPasswordValidator,
    MinimumLengthValidator,
    NumericPasswordValidator,
    UserAttributeSimilarityValidator,
    get_password_validators,
    password_validators_help_texts,
    validate_password,
)
from covet.exceptions import ImproperlyConfigured, ValidationError

ALL = get_password_validators(DEFAULT_PASSWORD_VALIDATORS)
USER = SimpleNamespace(username="margaret", first_name="Margaret", last_name="Hamilton", email="mh@apollo.example")


def test_a_strong_password_passes_every_validator() -> None:
    validate_password("tangerine-orbit-Vessel-91", USER, ALL)


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short", "too short"),
        ("password", "too common"),
        ("P@ssw0rd2024!", "too common"),
        ("Qwerty123", "too common"),
        ("83920174651", "entirely numeric"),
        ("margaret1962", "too similar to the username"),
        ("hamilton-apollo", "too similar"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_password(password, USER, ALL)
    assert any(fragment in msg for msg in info.value.messages["__all__"])


def test_all_failures_are_reported_together() -> None:
    with pytest.raises(ValidationError) as info:
        validate_password("1234", USER, ALL)
    messages = " ".join(info.value.messages["__all__"])
    assert "too short" in messages and "too common" in messages and "numeric" in messages


def test_options_are_applied() -> None:
    validators = get_password_validators(
        [{"NAME": "covet.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 20}}]
    )
    with pytest.raises(ValidationError, match="at least 20"):
        validate_password("tangerine-orbit-V91", None, validators)
    assert password_validators_help_texts(validators) == ["Your password must contain at least 20 characters."]


def test_bad_validator_name_is_a_configuration_error() -> None:
    with pytest.raises(ImproperlyConfigured, match="check its NAME"):
        get_password_validators([{"NAME": "covet.auth.nowhere.Validator"}])


def test_similarity_needs_a_user_and_a_sane_threshold() -> None:
    UserAttributeSimilarityValidator().validate("margaret1962", None)
    with pytest.raises(ValueError):
        UserAttributeSimilarityValidator(max_similarity=0.0)


def test_individual_validators() -> None:
    MinimumLengthValidator(3).validate("abc")
    NumericPasswordValidator().validate("12a")
    assert "password" in CommonPasswordValidator().passwords
    assert len(CommonPasswordValidator().passwords) > 400
