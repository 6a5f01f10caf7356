"""``messages`` context processor: ``messages`` (consumed when a template loops over it) and
``DEFAULT_MESSAGE_LEVELS``. Without the session middleware, ``messages`` is empty."""

from __future__ import annotations

from typing import Any

from covet.http import Request
from covet.messages.constants import DEFAULT_LEVELS
from covet.messages.storage import storage_for


def messages(request: Request) -> dict[str, Any]:
    pending: Any = storage_for(request) if "session" in request.scope else ()
    return {"messages": pending, "DEFAULT_MESSAGE_LEVELS": DEFAULT_LEVELS}
