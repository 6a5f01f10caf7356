"""Model signals: ``pre_save``, ``post_save``, ``pre_delete``, ``post_delete``. Receivers may be async.

@post_save.connect(sender=Post)
async def notify(sender, instance, created, **kwargs): ...
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable
from typing import Any

Receiver = Callable[..., Any]


class Signal:
    """Receivers connected per sender (a model class) or for every sender; sent with ``await signal.send()``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[tuple[Any, Any]] = []  # (sender or None, weak or strong receiver reference)

    def connect(self, receiver: Receiver | None = None, *, sender: type | None = None, weak: bool = True) -> Any:
        """Connect ``receiver`` (or decorate one). Bound methods and functions are held weakly by default."""
        if receiver is None:

            def decorator(func: Receiver) -> Receiver:
                self.connect(func, sender=sender, weak=weak)
                return func

            return decorator
        reference: Any = receiver
        if weak:
            reference = weakref.WeakMethod(receiver) if inspect.ismethod(receiver) else weakref.ref(receiver)
        if not any(s is sender and self._deref(r) is receiver for s, r in self._receivers):
            self._receivers.append((sender, reference))
        return receiver

    def disconnect(self, receiver: Receiver, *, sender: type | None = None) -> bool:
        before = len(self._receivers)
        self._receivers = [(s, r) for s, r in self._receivers if not (s is sender and self._deref(r) is receiver)]
        return len(self._receivers) != before

    @staticmethod
    def _deref(reference: Any) -> Any:
        return reference() if isinstance(reference, weakref.ref) else reference

    def receivers_for(self, sender: type) -> list[Receiver]:
        live = []
        for connected_sender, reference in self._receivers:
            if connected_sender is None or connected_sender is sender:
                receiver = self._deref(reference)
                if receiver is not None:
                    live.append(receiver)
        return live

    def has_receivers(self, sender: type) -> bool:
        return bool(self._receivers) and bool(self.receivers_for(sender))

    async def send(self, sender: type, **kwargs: Any) -> list[tuple[Receiver, Any]]:
        """Call every receiver for ``sender`` in connection order (awaiting async ones); errors propagate."""
        results = []
        for receiver in self.receivers_for(sender):
            result = receiver(sender=sender, signal=self, **kwargs)
            if inspect.isawaitable(result):
                result = await result
            results.append((receiver, result))
        return results

    def __repr__(self) -> str:
        return f"<Signal {self.name}>"


pre_save = Signal("pre_save")
post_save = Signal("post_save")
pre_delete = Signal("pre_delete")
post_delete = Signal("post_delete")
