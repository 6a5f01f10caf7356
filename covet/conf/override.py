"""``override``: change settings temporarily and put every value back afterwards.

Works as ``with``, ``async with``, or a decorator of sync and async functions. Values are changed on
the shared settings object (not per task), so a server or test client running in another thread or
event loop sees them too.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_MISSING: Any = object()


class override:  # lower case: used like a function, ``settings.override(DEBUG=True)``
    """Set ``values`` on ``settings`` while active; restore the previous values (or absence) on exit."""

    def __init__(self, settings: Any, **values: Any) -> None:
        self._settings = settings
        self._values = values
        self._saved: dict[str, Any] = {}

    def set(self, name: str, value: Any) -> None:
        """Change one setting now, remembering its first original value for ``restore()``."""
        if not name.isupper():
            raise AttributeError(f"Setting names are upper case: {name!r} is not a setting.")
        if name not in self._saved:
            self._saved[name] = getattr(self._settings, name, _MISSING)
        setattr(self._settings, name, value)

    def delete(self, name: str) -> None:
        """Remove one setting now (as if it were never defined), remembering it for ``restore()``."""
        if name not in self._saved:
            self._saved[name] = getattr(self._settings, name, _MISSING)
        if getattr(self._settings, name, _MISSING) is not _MISSING:
            delattr(self._settings, name)

    def enable(self) -> None:
        for name, value in self._values.items():
            self.set(name, value)

    def restore(self) -> None:
        """Put back every changed setting, most recent change last undone first."""
        for name, previous in reversed(list(self._saved.items())):
            if previous is _MISSING:
                if getattr(self._settings, name, _MISSING) is not _MISSING:
                    delattr(self._settings, name)
            else:
                setattr(self._settings, name, previous)
        self._saved.clear()

    def __enter__(self) -> override:
        self.enable()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.restore()

    async def __aenter__(self) -> override:
        return self.__enter__()

    async def __aexit__(self, *exc_info: object) -> None:
        self.restore()

    def __call__(self, func: F) -> F:
        values = self._values
        settings = self._settings
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                async with override(settings, **values):
                    return await func(*args, **kwargs)

            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with override(settings, **values):
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]
