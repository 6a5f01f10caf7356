"""``atomic()``: transactions and savepoints bound to the current task, and ``on_commit`` hooks.

The open connection of an ``atomic()`` block lives in a context variable, so every query the task runs
inside the block (in any function it calls) uses that connection. Tasks started inside the block inherit
the context and so share the connection; start them outside the block to get their own.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from types import MappingProxyType, TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from covet.orm.connections import get_engine
from covet.orm.exceptions import TransactionManagementError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncTransaction

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


@dataclass
class TransactionState:
    """The connection of one alias's outermost ``atomic()`` block and the hooks waiting for its commit."""

    connection: AsyncConnection
    on_commit: list[Callable[[], Any]] = field(default_factory=list)
    depth: int = 0


_EMPTY: MappingProxyType[str, TransactionState] = MappingProxyType({})
_transactions: ContextVar[MappingProxyType[str, TransactionState]] = ContextVar(
    "covet_orm_transactions", default=_EMPTY
)


def current_transaction(alias: str = "default") -> TransactionState | None:
    """The open transaction of ``alias`` in this task, or None outside ``atomic()``."""
    return _transactions.get().get(alias)


def in_atomic_block(alias: str = "default") -> bool:
    return alias in _transactions.get()


class atomic:
    """Run a block in a transaction; nested blocks become savepoints. Rolls back when the block raises.

    ``immediate=True`` takes SQLite's write lock at BEGIN (``BEGIN IMMEDIATE``), so read-modify-write
    blocks serialise instead of failing with "database is locked"; it has no effect on PostgreSQL.
    """

    def __init__(self, using: str = "default", *, immediate: bool = False) -> None:
        self.using = using
        self.immediate = immediate
        self._stack: list[tuple[Token[Any] | None, AsyncTransaction, int]] = []

    async def __aenter__(self) -> AsyncConnection:
        states = _transactions.get()
        state = states.get(self.using)
        if state is None:
            conn = await get_engine(self.using).connect()
            try:
                if self.immediate:
                    await conn.execution_options(covet_immediate=True)
                transaction = await conn.begin()
            except BaseException:
                await conn.close()
                raise
            state = TransactionState(conn)
            token: Token[Any] | None = _transactions.set(MappingProxyType({**states, self.using: state}))
        else:
            transaction = await state.connection.begin_nested()
            token = None
        state.depth += 1
        self._stack.append((token, transaction, len(state.on_commit)))
        return state.connection

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        token, transaction, hooks_before = self._stack.pop()
        state = _transactions.get()[self.using]
        state.depth -= 1
        if token is None:  # a savepoint
            if exc_type is None:
                await transaction.commit()
            else:
                del state.on_commit[hooks_before:]
                await transaction.rollback()
            return
        try:
            if exc_type is None:
                await transaction.commit()
            else:
                await transaction.rollback()
        finally:
            _transactions.reset(token)
            await state.connection.close()
        if exc_type is None:
            for hook in state.on_commit:
                result = hook()
                if inspect.isawaitable(result):
                    await result

    def __call__(self, func: F) -> F:
        if not inspect.iscoroutinefunction(func):
            raise TypeError(f"@atomic() decorates async functions; {func.__qualname__} isn't one.")

        @functools.wraps(func)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            async with atomic(self.using, immediate=self.immediate):
                return await func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


def on_commit(callback: Callable[[], Any], using: str = "default") -> None:
    """Run ``callback`` (sync or async) after the outermost ``atomic()`` block commits; now if there's none.

    Outside a transaction an async callback can't be awaited here, so it's an error; call it yourself.
    """
    state = _transactions.get().get(using)
    if state is not None:
        state.on_commit.append(callback)
        return
    result = callback()
    if inspect.isawaitable(result):
        if hasattr(result, "close"):
            result.close()
        raise TransactionManagementError(
            "on_commit() got an async callback outside atomic(); await it directly, or register it inside atomic()."
        )
