"""Async engines per database alias, built from ``settings.DATABASES`` and tuned per backend.

Each alias maps to one SQLAlchemy ``AsyncEngine`` (its pool is SQLAlchemy's). SQLite connections get WAL,
a busy timeout and foreign keys on, and are put in driver-level autocommit so that Covet, not pysqlite,
decides where transactions begin (pysqlite's own guessing breaks SAVEPOINTs).
"""

from __future__ import annotations

import asyncio
import weakref
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.util import greenlet_spawn

from covet.conf.shutdown import register_shutdown_callback
from covet.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

#: Execution option set on connections that run one statement outside atomic(); no BEGIN is sent for them.
AUTOCOMMIT_OPTION = "covet_autocommit"

_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
}

SQLITE_BUSY_TIMEOUT_MS = 5000

# Engines per event loop (a pool's connections belong to the loop that opened them), then per alias with
# the settings entry they were built from.
_engines: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, tuple[Any, AsyncEngine]]] = (
    weakref.WeakKeyDictionary()
)


def database_settings(alias: str) -> dict[str, Any]:
    """``settings.DATABASES[alias]``, with an error that says how to fix a missing alias or URL."""
    from covet.conf import settings

    databases = getattr(settings, "DATABASES", None) or {}
    if alias not in databases:
        known = ", ".join(sorted(databases)) or "none"
        raise ImproperlyConfigured(
            f"The database alias {alias!r} isn't in settings.DATABASES (configured aliases: {known}). "
            f'Add DATABASES = {{"{alias}": {{"URL": "sqlite:///db.sqlite3"}}}} to your settings.'
        )
    config = databases[alias]
    if not config.get("URL"):
        raise ImproperlyConfigured(f'settings.DATABASES["{alias}"] has no "URL"; set it, e.g. "sqlite:///db.sqlite3".')
    return dict(config)


def async_url(url: str | sa.URL) -> sa.URL:
    """Pick the async driver for a plain URL: sqlite -> aiosqlite, postgresql/postgres -> asyncpg."""
    # Importing the fast SQLite adapter registers the ``sqlite+covet`` dialect; it loads aiosqlite and SQLAlchemy's
    # SQLite dialect, which a process pays for when it builds its first engine, not when it imports the ORM.
    from covet.orm.backends import sqlite as fast_sqlite

    parsed = sa.make_url(url)
    if parsed.drivername in ("sqlite", "sqlite+aiosqlite") and fast_sqlite.SUPPORTED:
        return parsed.set(drivername="sqlite+covet")
    if "+" not in parsed.drivername:
        driver = _DRIVERS.get(parsed.drivername)
        if driver is None:
            raise ImproperlyConfigured(
                f"Unsupported database URL scheme {parsed.drivername!r}; use sqlite:/// or postgresql://."
            )
        parsed = parsed.set(drivername=driver)
    return parsed


def create_engine_for(config: dict[str, Any]) -> AsyncEngine:
    """Build an engine from one DATABASES entry (URL, POOL_SIZE, MAX_OVERFLOW, POOL_TIMEOUT, CONNECT_ARGS)."""
    # SQLAlchemy's asyncio extension loads its ORM (~8 MB): a worker pays for it with its first query, not at start.
    from sqlalchemy.ext.asyncio import create_async_engine

    url = async_url(config["URL"])
    kwargs: dict[str, Any] = {"connect_args": dict(config.get("CONNECT_ARGS") or config.get("OPTIONS") or {})}
    is_memory = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
    if not is_memory:
        for setting, option in (
            ("POOL_SIZE", "pool_size"),
            ("MAX_OVERFLOW", "max_overflow"),
            ("POOL_TIMEOUT", "pool_timeout"),
            ("POOL_RECYCLE", "pool_recycle"),
        ):
            if config.get(setting) is not None:
                kwargs[option] = config[setting]
    kwargs["pool_pre_ping"] = bool(config.get("POOL_PRE_PING", False))
    engine = create_async_engine(url, **kwargs)
    if url.get_backend_name() == "sqlite":
        _tune_sqlite(engine, busy_timeout_ms=int(config.get("BUSY_TIMEOUT_MS", SQLITE_BUSY_TIMEOUT_MS)))
    return engine


def _tune_sqlite(engine: AsyncEngine, *, busy_timeout_ms: int) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # Covet emits BEGIN itself (see _on_begin)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA case_sensitive_like=ON")  # LIKE behaves as on PostgreSQL
        finally:
            cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        options = connection.get_execution_options()
        if options.get(AUTOCOMMIT_OPTION):
            return
        connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get("covet_immediate") else "BEGIN")


def get_engine(alias: str = "default") -> AsyncEngine:
    """The ``AsyncEngine`` for ``alias`` in the running event loop; rebuilt when the alias's settings change.

    Call it from async code: each event loop gets its own engines (and pools).
    """
    loop = asyncio.get_running_loop()
    per_loop = _engines.get(loop)
    if per_loop is None:
        per_loop = _engines[loop] = {}
    config = _config_identity(alias)
    cached = per_loop.get(alias)
    if cached is not None and cached[0] is config:
        return cached[1]
    engine = create_engine_for(database_settings(alias))
    per_loop[alias] = (config, engine)
    register_shutdown_callback(close_all)  # the app's lifespan shutdown closes the pools with their loop
    return engine


def _config_identity(alias: str) -> Any:
    from covet.conf import settings

    return (getattr(settings, "DATABASES", None) or {}).get(alias)


def backend_name(alias: str = "default") -> str:
    """ "sqlite" or "postgresql" for ``alias``, from its URL (no connection needed)."""
    return async_url(database_settings(alias)["URL"]).get_backend_name()


# SQLite only: one pooled connection per engine kept checked out for single autocommit writes
# (see writer_connection()).
_writers: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


async def writer_connection(engine: AsyncEngine) -> Any | None:
    """A pooled connection of a file SQLite ``engine`` that stays checked out for one-statement autocommit
    writes (create(), save()), so they skip the pool's checkout and check-in (a greenlet hop and some
    bookkeeping, which cost more than the INSERT). SQLite serialises writers anyway, and aiosqlite runs
    the statements of one connection one at a time, in order. None for in-memory databases (one shared
    connection) and other backends. close_all() returns it to the pool."""
    sync_engine = engine.sync_engine
    held = _writers.get(sync_engine)
    if held is not None or sync_engine.dialect.name != "sqlite" or isinstance(sync_engine.pool, sa.pool.StaticPool):
        return held
    checked_out = await greenlet_spawn(sync_engine.raw_connection)
    held = _writers.setdefault(sync_engine, checked_out)
    if held is not checked_out:  # another task got there first
        await greenlet_spawn(checked_out.close)
    return held


async def drop_writer_connection(engine: AsyncEngine, error: BaseException) -> None:
    """The writer connection failed: invalidate it (the next write gets a fresh one)."""
    held = _writers.pop(engine.sync_engine, None)
    if held is not None:
        await greenlet_spawn(held.invalidate, error)
        await greenlet_spawn(held.close)


async def close_all() -> None:
    """Dispose of every engine's pool (call at shutdown, or between tests that switch event loops)."""
    loop = asyncio.get_running_loop()
    everything = [(engine_loop, engines) for engine_loop, engines in _engines.items()]
    _engines.clear()
    for engine_loop, engines in everything:
        for _config, engine in engines.values():
            held = _writers.pop(engine.sync_engine, None)
            if engine_loop is loop:
                if held is not None:
                    await greenlet_spawn(held.close)
                await engine.dispose()
            else:  # another loop's connections can't be closed from here; just forget them
                if held is not None:
                    held.detach()
                engine.sync_engine.dispose(close=False)
