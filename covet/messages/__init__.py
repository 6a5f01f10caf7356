"""Flash messages: one-time notices kept in the session until the next page shows them.

``from covet import messages``; ``messages.success(request, "Post saved.")``; in a template,
``{% for message in messages %}<p class="{{ message.tags }}">{{ message }}</p>{% endfor %}`` (with the
``covet.messages.context_processors.messages`` context processor).
"""

from covet.messages.api import (
    add_message,
    debug,
    error,
    get_level,
    get_messages,
    info,
    set_level,
    success,
    warning,
)
from covet.messages.constants import DEBUG, DEFAULT_LEVELS, ERROR, INFO, SUCCESS, WARNING
from covet.messages.storage import Message, MessageStorage

__all__ = [
    "DEBUG",
    "DEFAULT_LEVELS",
    "ERROR",
    "INFO",
    "SUCCESS",
    "WARNING",
    "Message",
    "MessageStorage",
    "add_message",
    "debug",
    "error",
    "get_level",
    "get_messages",
    "info",
    "set_level",
    "success",
    "warning",
]
