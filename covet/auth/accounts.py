"""Account chores behind `covet createsuperuser` and `covet changepassword`, as coroutines (no CLI needed)."""

from __future__ import annotations

from typing import Any

from covet.auth.models import get_user_model
from covet.auth.password_validation import validate_password
from covet.exceptions import ValidationError
from covet.orm import IntegrityError, ObjectDoesNotExist


class AccountError(Exception):
    """What went wrong, in words for the person at the terminal."""


def password_problems(password: str, user: Any = None) -> list[str]:
    """The validators' complaints about ``password`` (empty when it is acceptable)."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return [message for messages in exc.messages.values() for message in messages]
    return []


async def create_superuser(username: str, email: str, password: str, *, using: str = "default") -> Any:
    """Create a superuser after validating the password; ``AccountError`` if the name is taken or the password weak."""
    user_model = get_user_model()
    candidate = user_model(username=username, email=email)
    problems = password_problems(password, candidate)
    if problems:
        raise AccountError("The password was refused: " + " ".join(problems))
    if await user_model.objects.using(using).filter(username=username).exists():
        raise AccountError(f"The username {username!r} is already taken; choose another or use changepassword.")
    try:
        return await user_model.objects.db_manager(using).create_superuser(username, email, password)
    except IntegrityError as exc:  # created by someone else between the check and the insert
        raise AccountError(f"The username {username!r} is already taken.") from exc


async def find_user(username: str, *, using: str = "default") -> Any:
    user_model = get_user_model()
    try:
        return await user_model.objects.using(using).get(**{user_model.USERNAME_FIELD: username})
    except ObjectDoesNotExist:
        raise AccountError(f"There is no user {username!r}.") from None


async def change_password(user: Any, password: str) -> None:
    """Validate and store a new password (which also ends the user's other sessions)."""
    problems = password_problems(password, user)
    if problems:
        raise AccountError("The password was refused: " + " ".join(problems))
    await user.set_password(password)
    await user.save(update_fields=["password"])
