"""Adding and reading flash messages: ``messages.success(request, "Saved.")``, ``get_messages(request)``."""

from __future__ import annotations

from covet.conf import settings
from covet.http import Request
from covet.messages import constants
from covet.messages.storage import Message, MessageStorage, storage_for


def get_level(request: Request) -> int:
    """The minimum level recorded for this request: ``set_level()``'s, else ``MESSAGE_LEVEL`` (default INFO)."""
    level = storage_for(request).level
    return level if level is not None else int(getattr(settings, "MESSAGE_LEVEL", constants.INFO))


def set_level(request: Request, level: int) -> None:
    """Record messages of ``level`` and above for the rest of this request."""
    storage_for(request).level = level


def add_message(request: Request, level: int, message: str, extra_tags: str = "") -> bool:
    """Store ``message`` for the next page this visitor sees; False if ``level`` is below the minimum."""
    if not isinstance(level, int):
        raise TypeError(f"A message level is an int such as covet.messages.SUCCESS, not {level!r}.")
    if level < get_level(request):
        return False
    storage_for(request).add(Message(level, str(message), extra_tags))
    return True


def get_messages(request: Request) -> MessageStorage:
    """The messages to show; iterating consumes them (they are shown once)."""
    return storage_for(request)


def debug(request: Request, message: str, extra_tags: str = "") -> bool:
    return add_message(request, constants.DEBUG, message, extra_tags)


def info(request: Request, message: str, extra_tags: str = "") -> bool:
    return add_message(request, constants.INFO, message, extra_tags)


def success(request: Request, message: str, extra_tags: str = "") -> bool:
    return add_message(request, constants.SUCCESS, message, extra_tags)


def warning(request: Request, message: str, extra_tags: str = "") -> bool:
    return add_message(request, constants.WARNING, message, extra_tags)


def error(request: Request, message: str, extra_tags: str = "") -> bool:
    return add_message(request, constants.ERROR, message, extra_tags)
