"""System checks behind ``covet check``: inspect the settings and report every problem at once.

Each check is a function ``(settings) -> list[CheckMessage]`` in ``registry``; other layers add theirs
with ``@register``. A failing check never stops the others: every problem is reported in one run.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any

from covet.exceptions import ImproperlyConfigured

INSECURE_KEY_PREFIX = "covet-insecure-"
MIN_SECRET_KEY_LENGTH = 32
MIN_SECRET_KEY_UNIQUE_CHARS = 8


class Level(IntEnum):
    WARNING = 30
    ERROR = 40


@dataclass(frozen=True)
class CheckMessage:
    """One problem: what is wrong (``message``), what to do (``hint``) and a stable ``id``."""

    level: Level
    message: str
    hint: str = ""
    id: str = ""

    @property
    def is_error(self) -> bool:
        return self.level >= Level.ERROR


def error(message: str, hint: str = "", id: str = "") -> CheckMessage:
    return CheckMessage(Level.ERROR, message, hint, id)


def warning(message: str, hint: str = "", id: str = "") -> CheckMessage:
    return CheckMessage(Level.WARNING, message, hint, id)


Check = Callable[[Any], list[CheckMessage]]
registry: list[Check] = []


def register(check: Check) -> Check:
    """Add ``check`` to the checks `covet check` runs (usable as a decorator)."""
    if check not in registry:
        registry.append(check)
    return check


def run_checks(settings: Any, checks: list[Check] | None = None) -> list[CheckMessage]:
    """Run every check and return all messages; a check that crashes is reported as an error itself."""
    messages: list[CheckMessage] = []
    for check in registry if checks is None else checks:
        try:
            messages.extend(check(settings))
        except Exception as exc:  # a broken check must not hide the other problems
            where = f"{check.__module__}.{check.__qualname__}"
            last = traceback.format_exception_only(exc)[-1].strip()
            messages.append(error(f"The check {where} crashed: {last}", id="checks.E001"))
    return messages


@register
def check_debug(settings: Any) -> list[CheckMessage]:
    if not isinstance(settings.DEBUG, bool):
        return [error(f"DEBUG must be True or False, not {settings.DEBUG!r}.", id="core.E001")]
    return []


@register
def check_secret_key(settings: Any) -> list[CheckMessage]:
    key = settings.SECRET_KEY
    debug = settings.DEBUG is True
    if not isinstance(key, str):
        return [error(f"SECRET_KEY must be a string, not {type(key).__name__}.", id="security.E002")]
    if not key:
        hint = "Set the SECRET_KEY environment variable to a long random value, e.g. the output of " + (
            '`python -c "import secrets; print(secrets.token_urlsafe(50))"`.'
        )
        if debug:
            return [warning("SECRET_KEY is empty: sessions and signed cookies will fail.", hint, "security.W002")]
        return [error("SECRET_KEY is not set and DEBUG is off.", hint, "security.E001")]
    if debug:
        return []
    weak = (
        key.startswith(INSECURE_KEY_PREFIX)
        or len(key) < MIN_SECRET_KEY_LENGTH
        or len(set(key)) < MIN_SECRET_KEY_UNIQUE_CHARS
    )
    if weak:
        return [
            warning(
                "SECRET_KEY is short, repetitive or the generated development key, and DEBUG is off.",
                f"Use at least {MIN_SECRET_KEY_LENGTH} random characters from the SECRET_KEY environment variable.",
                "security.W001",
            )
        ]
    return []


@register
def check_allowed_hosts(settings: Any) -> list[CheckMessage]:
    hosts = settings.ALLOWED_HOSTS
    if not isinstance(hosts, list | tuple) or not all(isinstance(host, str) for host in hosts):
        return [error(f"ALLOWED_HOSTS must be a list of host names, not {hosts!r}.", id="security.E004")]
    if not hosts and settings.DEBUG is not True:
        return [
            error(
                "ALLOWED_HOSTS is empty and DEBUG is off: every request would be refused.",
                'List the host names of the site, e.g. ALLOWED_HOSTS = ["example.com"], or set the ALLOWED_HOSTS '
                "environment variable (comma-separated).",
                "security.E003",
            )
        ]
    return []


@register
def check_installed_apps(settings: Any) -> list[CheckMessage]:
    from covet.conf.apps import AppConfig

    messages = []
    labels: dict[str, str] = {}
    for entry in settings.INSTALLED_APPS:
        try:
            config = AppConfig.create(entry)
        except ImproperlyConfigured as exc:
            messages.append(error(str(exc), id="apps.E001"))
            continue
        except Exception as exc:
            last = traceback.format_exception_only(exc)[-1].strip()
            messages.append(error(f"Importing the app {entry!r} failed: {last}", id="apps.E002"))
            continue
        if config.label in labels:
            messages.append(
                error(
                    f"The apps {labels[config.label]!r} and {entry!r} have the same label {config.label!r}.",
                    "Set a distinct label = '...' on one of their AppConfig classes.",
                    "apps.E003",
                )
            )
        labels[config.label] = entry
    return messages


def _check_dotted_paths(setting: str, paths: Any, check_id: str) -> list[CheckMessage]:
    from covet.conf.importing import import_string

    if not isinstance(paths, list | tuple):
        return [error(f"{setting} must be a list of dotted paths, not {paths!r}.", id=check_id)]
    messages = []
    for path in paths:
        try:
            target = import_string(path, setting=setting)
        except ImproperlyConfigured as exc:
            messages.append(error(str(exc), "Fix the path or remove the entry.", check_id))
        except Exception as exc:
            last = traceback.format_exception_only(exc)[-1].strip()
            messages.append(error(f"Importing {path!r} (in {setting}) failed: {last}", id=check_id))
        else:
            if not callable(target):
                messages.append(error(f"{path!r} (in {setting}) is not a class or function.", id=check_id))
    return messages


@register
def check_middleware(settings: Any) -> list[CheckMessage]:
    return _check_dotted_paths("MIDDLEWARE", settings.MIDDLEWARE, "middleware.E001") + _check_dotted_paths(
        "ASGI_MIDDLEWARE", settings.ASGI_MIDDLEWARE, "middleware.E002"
    )


@register
def check_exception_handlers(settings: Any) -> list[CheckMessage]:
    handlers = settings.EXCEPTION_HANDLERS
    if not isinstance(handlers, dict):
        return [error(f"EXCEPTION_HANDLERS must be a dict, not {handlers!r}.", id="core.E002")]
    return _check_dotted_paths("EXCEPTION_HANDLERS", list(handlers.values()), "core.E003")


@register
def check_root_urlconf(settings: Any) -> list[CheckMessage]:
    import importlib

    urlconf = settings.ROOT_URLCONF
    if not urlconf:
        return [
            error("ROOT_URLCONF is not set.", "Set ROOT_URLCONF = 'yourproject.urls' in your settings.", "urls.E001")
        ]
    try:
        module = importlib.import_module(urlconf)
    except Exception as exc:
        last = traceback.format_exception_only(exc)[-1].strip()
        return [error(f"ROOT_URLCONF {urlconf!r} cannot be imported: {last}", id="urls.E002")]
    if not hasattr(module, "urlpatterns") and not hasattr(module, "router"):
        return [
            error(
                f"The URL module {urlconf!r} defines neither urlpatterns nor router.",
                "Add urlpatterns = [...] (routers and include()s) to it.",
                "urls.E003",
            )
        ]
    return []


@register
def check_databases(settings: Any) -> list[CheckMessage]:
    databases = settings.DATABASES
    if not isinstance(databases, dict) or "default" not in databases:
        return [
            error(
                'DATABASES has no "default" database.',
                'Set DATABASES = {"default": {"URL": "sqlite+aiosqlite:///db.sqlite3"}} or the DATABASE_URL variable.',
                "database.E001",
            )
        ]
    messages = []
    for alias, config in databases.items():
        url = config.get("URL") if isinstance(config, dict) else None
        if not url:
            messages.append(error(f'DATABASES["{alias}"] has no "URL".', "Give it a SQLAlchemy URL.", "database.E002"))
            continue
        try:
            from sqlalchemy.engine import make_url

            make_url(url)
        except Exception as exc:
            messages.append(
                error(f'DATABASES["{alias}"]["URL"] is not a valid database URL: {exc}', id="database.E003")
            )
    return messages


@register
def check_unapplied_migrations(settings: Any) -> list[CheckMessage]:
    """Each database that lacks migrations existing as files: which apps, and the command that applies them.

    One query per database (its version table); in-memory SQLite databases are skipped (each process gets a
    new one). Invalid DATABASES entries and apps that fail to import are reported by the checks above.
    """
    databases = settings.DATABASES
    aliases = [alias for alias, config in databases.items() if _is_migratable(config)]
    if not aliases:
        return []
    from covet.migrations.pending import PendingMigrations, pending_in_databases
    from covet.migrations.project import installed_migration_apps

    try:
        apps = installed_migration_apps()
    except Exception:  # check_installed_apps reports why
        return []
    messages = []
    for alias, pending in pending_in_databases(aliases, apps).items():
        if isinstance(pending, PendingMigrations):
            if pending.by_app:
                messages.append(warning(pending.summary(), '"covet showmigrations" lists them.', "migrations.W001"))
            continue
        cause = getattr(pending, "orig", None) or pending  # a DBAPIError's driver error says it plainly
        detail = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
        messages.append(
            warning(
                f"Can't tell whether database \"{alias}\" has unapplied migrations: it can't be used ({detail}).",
                f'Check DATABASES["{alias}"]["URL"] and that the database server is running and reachable.',
                "migrations.W002",
            )
        )
    return messages


def _is_migratable(config: Any) -> bool:
    """A valid DATABASES entry (check_databases reports the others) that isn't an in-memory SQLite database."""
    from sqlalchemy.engine import make_url

    try:
        url = make_url(config["URL"])
    except Exception:
        return False
    return not (url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"))


@register
def check_directories(settings: Any) -> list[CheckMessage]:
    base = Path(settings.BASE_DIR)
    configured: list[tuple[str, Any]] = [("STATICFILES_DIRS", path) for path in settings.STATICFILES_DIRS]
    for engine in settings.TEMPLATES:
        configured.extend(("TEMPLATES DIRS", path) for path in engine.get("DIRS", []))
    messages = []
    for setting, path in configured:
        if not (base / Path(path)).is_dir():
            messages.append(
                warning(
                    f"{setting} lists {str(path)!r}, which is not a directory.", "Create it or remove it.", "files.W001"
                )
            )
    return messages


# -- deployment: what only matters once DEBUG is off ------------------------------------------------

LOCAL_MEMORY_CACHES = frozenset({"locmem", "covet.cache.locmem.LocMemCache"})
SHARED_STATE_HINT = (
    'Set REDIS_URL and use "covet.cache.redis.RedisCache" for that cache (the generated settings do this when '
    "REDIS_URL is set)"
)


def _uses_middleware(settings: Any, class_name: str) -> bool:
    return any(isinstance(path, str) and path.rsplit(".", 1)[-1] == class_name for path in settings.MIDDLEWARE)


def _cache_backend(settings: Any, alias: str) -> str | None:
    """The BACKEND of cache ``alias`` (None when the alias is not configured)."""
    caches = settings.CACHES if isinstance(settings.CACHES, dict) else {}
    entry = caches.get(alias)
    return str(entry.get("BACKEND", "")) if isinstance(entry, dict) else None


@register
def check_cache_aliases(settings: Any) -> list[CheckMessage]:
    """Every setting naming a cache alias must name one of CACHES (else the first request using it fails)."""
    messages = []
    for setting in ("SESSION_CACHE_ALIAS", "RATELIMIT_CACHE_ALIAS", "JWT_CACHE_ALIAS"):
        alias = getattr(settings, setting)
        if _cache_backend(settings, alias) is None:
            configured = sorted(settings.CACHES) if isinstance(settings.CACHES, dict) else []
            messages.append(
                error(
                    f"{setting} is {alias!r}, which is not an alias of CACHES (it has {configured}).",
                    f"Add CACHES[{alias!r}] or set {setting} to one of {configured}.",
                    "caches.E001",
                )
            )
    return messages


@register
def check_security_middleware(settings: Any) -> list[CheckMessage]:
    if settings.DEBUG is True or _uses_middleware(settings, "SecurityMiddleware"):
        return []
    return [
        warning(
            "SecurityMiddleware is not in MIDDLEWARE and DEBUG is off: responses go out without the protective "
            "headers (X-Content-Type-Options, Referrer-Policy, X-Frame-Options, HSTS).",
            'Add "covet.middleware.security.SecurityMiddleware" near the top of MIDDLEWARE.',
            "security.W003",
        )
    ]


@register
def check_hsts(settings: Any) -> list[CheckMessage]:
    if settings.DEBUG is True or settings.SECURE_HSTS_SECONDS:
        return []
    return [
        warning(
            "SECURE_HSTS_SECONDS is 0 and DEBUG is off: browsers are not told to use HTTPS only, so a first "
            "plain-HTTP request can be intercepted.",
            "Once the whole site is served over HTTPS, set SECURE_HSTS_SECONDS (start with 3600, then 31536000). "
            "HSTS is sent on HTTPS responses only.",
            "security.W004",
        )
    ]


def _warn_if_local_memory(settings: Any, alias: str, message: str, hint: str, check_id: str) -> list[CheckMessage]:
    """``message`` as a warning when cache ``alias`` keeps its data in this process's memory."""
    if _cache_backend(settings, alias) not in LOCAL_MEMORY_CACHES:
        return []
    return [warning(message, hint, check_id)]


@register
def check_sessions_are_shared(settings: Any) -> list[CheckMessage]:
    """Sessions in one process's memory are lost as soon as a request reaches another worker."""
    if settings.DEBUG is True or not _uses_middleware(settings, "SessionMiddleware"):
        return []
    if settings.SESSION_ENGINE != "cache":
        return []
    alias = settings.SESSION_CACHE_ALIAS
    return _warn_if_local_memory(
        settings,
        alias,
        f'Sessions are kept in the memory of each process (SESSION_ENGINE "cache" on the local-memory cache '
        f"{alias!r}) and DEBUG is off: with several workers (covet serve --prod --workers N) or machines, "
        "users lose their session whenever a request reaches another process.",
        f'{SHARED_STATE_HINT}, or set SESSION_ENGINE = "db".',
        "sessions.W001",
    )


@register
def check_rate_limits_are_shared(settings: Any) -> list[CheckMessage]:
    """Counters in one process's memory let N workers accept N times the configured rate."""
    limited = _uses_middleware(settings, "RateLimitMiddleware") or "covet.auth" in settings.INSTALLED_APPS
    if settings.DEBUG is True or not limited or not settings.RATELIMIT_ENABLED:
        return []
    alias = settings.RATELIMIT_CACHE_ALIAS
    return _warn_if_local_memory(
        settings,
        alias,
        f"Rate-limit counters are kept in the memory of each process (the local-memory cache {alias!r}) and "
        "DEBUG is off: with N workers, clients get N times the configured rates (login attempts included).",
        f"{SHARED_STATE_HINT}, or point RATELIMIT_CACHE_ALIAS at a Redis cache.",
        "ratelimit.W001",
    )
