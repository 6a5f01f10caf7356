"""Where flash messages live between requests: a list in ``request.session`` under ``"_messages"``.

Each request has one ``MessageStorage`` (in its scope). Iterating it consumes the stored messages: they are
removed from the session (so they show once) and kept on the storage for the rest of the request, so a template
may loop over them twice. Messages added after that are stored for the next request.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from covet.conf import settings
from covet.http import MissingMiddlewareError, Request
from covet.messages.constants import DEFAULT_TAGS

SESSION_KEY = "_messages"
_SCOPE_KEY = "covet.messages"


@dataclass(frozen=True)
class Message:
    level: int
    message: str
    extra_tags: str = ""

    @property
    def level_tag(self) -> str:
        """The CSS tag of the level (``MESSAGE_TAGS`` setting overrides the defaults): "success", "error", ..."""
        tags = {**DEFAULT_TAGS, **(getattr(settings, "MESSAGE_TAGS", None) or {})}
        return tags.get(self.level, "")

    @property
    def tags(self) -> str:
        """``extra_tags`` and ``level_tag``, space-separated, for a class attribute."""
        return " ".join(tag for tag in (self.extra_tags, self.level_tag) if tag)

    def __str__(self) -> str:
        return self.message

    def to_json(self) -> list[Any]:
        return [self.level, self.message, self.extra_tags]

    @classmethod
    def from_json(cls, value: Any) -> Message | None:
        if isinstance(value, list) and len(value) == 3 and isinstance(value[0], int) and isinstance(value[1], str):
            return cls(value[0], value[1], str(value[2] or ""))
        return None  # written by something else: ignore it rather than fail the page


class MessageStorage:
    def __init__(self, request: Request) -> None:
        self.request = request
        self.level: int | None = None
        self._consumed: list[Message] | None = None

    @property
    def session(self) -> Any:
        if "session" not in self.request.scope:
            raise MissingMiddlewareError(
                "Flash messages are kept in the session: add 'covet.auth.sessions.SessionMiddleware' to "
                "settings.MIDDLEWARE (outside the views that use covet.messages)."
            )
        return self.request.session

    def _stored(self) -> list[Message]:
        raw = self.session.get(SESSION_KEY) or []
        return [message for message in map(Message.from_json, raw) if message is not None]

    def add(self, message: Message) -> None:
        session = self.session
        session[SESSION_KEY] = [*(session.get(SESSION_KEY) or []), message.to_json()]

    def __iter__(self) -> Iterator[Message]:
        if self._consumed is None:
            self._consumed = self._stored()
            if SESSION_KEY in self.session:
                del self.session[SESSION_KEY]
        return iter(list(self._consumed))

    def __len__(self) -> int:
        """How many messages there are to show (without consuming them)."""
        if self._consumed is not None:
            return len(self._consumed)
        return len(self._stored()) if "session" in self.request.scope else 0

    def __bool__(self) -> bool:
        return len(self) > 0

    def __repr__(self) -> str:
        return f"<MessageStorage {len(self)} messages>"


def storage_for(request: Request) -> MessageStorage:
    """The request's message storage (created on first use)."""
    storage: MessageStorage | None = request.scope.get(_SCOPE_KEY)
    if storage is None:
        storage = request.scope[_SCOPE_KEY] = MessageStorage(request)
    return storage
