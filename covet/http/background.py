"""Work to run after a response has been sent (``Response(..., background=BackgroundTask(fn, ...))``)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import anyio.to_thread


class BackgroundTask:
    """One call of ``func(*args, **kwargs)``; a plain function runs in a worker thread, never on the event loop."""

    def __init__(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.func = func
        self.args = args
        self.kwargs = kwargs
        self.is_async = inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(
            getattr(func, "__call__", None)  # noqa: B004 - an object with an async __call__ counts as async
        )

    async def __call__(self) -> None:
        if self.is_async:
            await self.func(*self.args, **self.kwargs)
        else:
            await anyio.to_thread.run_sync(functools.partial(self.func, *self.args, **self.kwargs))


class BackgroundTasks(BackgroundTask):
    """Several tasks run one after another, in the order they were added."""

    def __init__(self, tasks: list[BackgroundTask] | None = None) -> None:
        self.tasks = list(tasks or [])

    def add_task(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.tasks.append(BackgroundTask(func, *args, **kwargs))

    async def __call__(self) -> None:
        for task in self.tasks:
            await task()
