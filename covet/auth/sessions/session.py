"""``Session``: the dict-like ``request.session``, which remembers whether it changed."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any


class Session(MutableMapping[str, Any]):
    """Session data plus bookkeeping for the middleware: saved only when ``modified``.

    Values must be JSON-able (every backend stores JSON). Mutating a nested value in place
    (``session["cart"].append(x)``) is not seen: reassign it, or set ``session.modified = True``.
    """

    def __init__(self, data: dict[str, Any] | None = None, key: str | None = None) -> None:
        self._data: dict[str, Any] = dict(data or {})
        #: The key this session was loaded under (None for a new session).
        self.key = key
        self.modified = False
        self.accessed = False
        #: Old keys to delete from the store when the response goes out (after cycle_key/flush).
        self.stale_keys: list[str] = []
        self.expire_at_browser_close: bool | None = None

    def __getitem__(self, name: str) -> Any:
        self.accessed = True
        return self._data[name]

    def __setitem__(self, name: str, value: Any) -> None:
        self.accessed = self.modified = True
        self._data[name] = value

    def __delitem__(self, name: str) -> None:
        self.accessed = self.modified = True
        del self._data[name]

    def __iter__(self) -> Iterator[str]:
        self.accessed = True
        return iter(self._data)

    def __len__(self) -> int:
        self.accessed = True
        return len(self._data)

    def __contains__(self, name: object) -> bool:
        self.accessed = True
        return name in self._data

    def __repr__(self) -> str:
        state = " modified" if self.modified else ""
        return f"<Session {'saved' if self.key else 'new'} {len(self._data)} items{state}>"

    @property
    def is_empty(self) -> bool:
        return not self._data

    def as_dict(self) -> dict[str, Any]:
        return dict(self._data)

    def cycle_key(self) -> None:
        """Keep the data under a new key (call on login, so a planted session id is worth nothing)."""
        if self.key is not None:
            self.stale_keys.append(self.key)
        self.key = None
        self.modified = True

    def flush(self) -> None:
        """Drop all data and the key (call on logout); the old key is deleted from the store."""
        self._data.clear()
        self.cycle_key()

    def set_expiry_at_browser_close(self, value: bool = True) -> None:
        """Override ``SESSION_EXPIRE_AT_BROWSER_CLOSE`` for this session's cookie."""
        self.expire_at_browser_close = value
        self.modified = True
