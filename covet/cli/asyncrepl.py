"""An interactive console where ``await`` works at the top level, like ``python -m asyncio``.

The event loop runs in a background thread for the whole session, so objects bound to it (database
engines, clients) survive from one input to the next; each input runs there and the console waits.
"""

from __future__ import annotations

import ast
import asyncio
import code
import concurrent.futures
import contextlib
import inspect
import sys
import threading
import types
from typing import Any

TOP_LEVEL_AWAIT = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT


def run_snippet(source: str, namespace: dict[str, Any], filename: str = "<covet shell -c>") -> Any:
    """Execute ``source`` (which may ``await`` at top level) in ``namespace``; return what it evaluated to."""
    compiled = compile(source, filename, "exec", flags=TOP_LEVEL_AWAIT)
    result = eval(compiled, namespace)
    if inspect.iscoroutine(result):
        return asyncio.run(result)
    return result


class LoopThread:
    """An event loop running forever in a daemon thread; ``run(coro)`` executes a coroutine on it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="covet-shell-loop", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def run(self, coroutine: Any) -> Any:
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result()
        except KeyboardInterrupt:
            future.cancel()
            raise
        except concurrent.futures.CancelledError:
            raise KeyboardInterrupt from None

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        if not self.loop.is_running():
            self.loop.close()


class AsyncConsole(code.InteractiveConsole):
    """``code.InteractiveConsole`` that compiles with top-level await and awaits on the loop thread."""

    def __init__(self, namespace: dict[str, Any], loop_thread: LoopThread) -> None:
        super().__init__(namespace)
        self.compile.compiler.flags |= TOP_LEVEL_AWAIT
        self._loop_thread = loop_thread

    def runcode(self, code_object: types.CodeType) -> None:
        function = types.FunctionType(code_object, self.locals)
        try:
            result = function()
            if inspect.iscoroutine(result):
                self._loop_thread.run(result)
        except SystemExit:
            raise
        except BaseException:
            self.showtraceback()


def interact(namespace: dict[str, Any], banner: str) -> None:
    """Run the async console until end of input (Ctrl+D) or ``exit()``."""
    if sys.stdin.isatty():
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401 - line editing and history for input()
    loop_thread = LoopThread()
    loop_thread.start()
    try:
        AsyncConsole(namespace, loop_thread).interact(banner=banner, exitmsg="")
    finally:
        loop_thread.stop()
