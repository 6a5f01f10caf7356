"""Covet's default settings: every name a project may set, with what it means and its default.

A project's settings module overrides these; names not set there keep the values below. Read the
values through ``covet.conf.settings``, never by importing this module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

####################
# CORE             #
####################

# Show detailed error pages with tracebacks and enable development conveniences.
# Never run a public site with DEBUG on. The DEBUG environment variable overrides it
# (true/false/1/0/yes/no/on/off).
DEBUG: bool = False

# A long random string used to sign sessions, cookies and tokens. Keep it secret; read it from
# the SECRET_KEY environment variable in production. Empty means "not set": `covet check`
# reports it as an error when DEBUG is off.
SECRET_KEY: str = ""

# Host names this site may serve (the Host header is checked against them). A leading dot
# matches a domain and its subdomains (".example.com"); "*" matches any host. With DEBUG on and
# this list empty, localhost, 127.0.0.1 and [::1] are allowed. The ALLOWED_HOSTS environment
# variable (comma-separated) overrides it.
ALLOWED_HOSTS: list[str] = []

# The directory the project lives in: where pyproject.toml was found, else the current directory.
# Relative paths in other settings (the SQLite file, template and static directories) are resolved
# against it. Computed at load time when left as None.
BASE_DIR: Path | None = None

# Dotted module paths of the apps of this project (or dotted paths to their AppConfig classes).
# Each app may have an ``apps.py`` with an AppConfig whose ready() runs once at startup.
INSTALLED_APPS: list[str] = []

# Dotted path of the module holding the root URL configuration: it exposes ``urlpatterns``
# (a list of routers and include()s) or a ``router``.
ROOT_URLCONF: str | None = None

# Dotted paths of request middleware classes, outermost first (the Django "onion"): each is
# ``class M: def __init__(self, get_response)``, ``async def __call__(self, request) -> Response``.
MIDDLEWARE: list[str] = []

# Dotted paths of raw ASGI middleware wrapping the whole application, outermost first. Each is
# called as ``Middleware(app)`` and must return an ASGI 3 callable.
ASGI_MIDDLEWARE: list[str] = []

# Maps an exception class (or its dotted path) or an HTTP status code to the dotted path of a
# handler ``async def handler(request, exc) -> Response``.
EXCEPTION_HANDLERS: dict[Any, str] = {}

# When a path does not match any route but the same path with a trailing slash does, redirect
# GET/HEAD requests to it (permanent redirect), like Django.
APPEND_SLASH: bool = True

# The time zone used for display and naive datetimes (the database stores UTC).
TIME_ZONE: str = "UTC"

####################
# DATA             #
####################

# Databases by alias. Each entry has a SQLAlchemy URL ("URL") and optional pool options
# ("POOL_SIZE", "MAX_OVERFLOW", "POOL_TIMEOUT", "POOL_RECYCLE", "ECHO", "OPTIONS").
# A relative SQLite path is relative to BASE_DIR. The DATABASE_URL environment variable
# overrides DATABASES["default"]["URL"].
DATABASES: dict[str, dict[str, Any]] = {
    "default": {"URL": "sqlite+aiosqlite:///db.sqlite3"},
}

# Cache backends by alias. "BACKEND" is a dotted class path; local memory by default
# (per process). Use "covet.cache.redis.RedisCache" with "LOCATION" to share a cache between
# processes and machines.
CACHES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "covet.cache.locmem.LocMemCache"},
}

# The Redis server shared by the Redis-backed cache, sessions and rate limits (None: not used).
# The REDIS_URL environment variable overrides it.
REDIS_URL: str | None = None

####################
# TEMPLATES        #
####################

# Jinja2 template engines. "DIRS" are searched first, then each installed app's ``templates/``
# directory when "APP_DIRS" is true. "OPTIONS" are passed to the jinja2 Environment
# ("context_processors" lists dotted paths of functions adding variables to every template).
TEMPLATES: list[dict[str, Any]] = [
    {
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": []},
    },
]

####################
# STATIC FILES     #
####################

# URL prefix under which static files are served.
STATIC_URL: str = "/static/"

# Directory `collectstatic` copies every static file into, for the production server to serve
# (None: not configured).
STATIC_ROOT: Path | str | None = None

# Extra directories searched for static files, besides each app's ``static/`` directory.
STATICFILES_DIRS: list[Path | str] = []

####################
# REQUEST LIMITS   #
####################

# Largest request body accepted, in bytes; bigger bodies are answered 413.
MAX_REQUEST_BODY_SIZE: int = 10 * 1024 * 1024

# Largest part of a multipart form kept in memory, in bytes; bigger file parts spill to disk.
MAX_FORM_MEMORY_SIZE: int = 1024 * 1024

# Largest request line plus headers accepted, in bytes; bigger header blocks are answered 431.
MAX_HEADER_SIZE: int = 64 * 1024

####################
# SERVER           #
####################

# Seconds a client may take to send the complete request line and headers (slowloris guard).
SERVER_HEADER_TIMEOUT: float = 10.0

# Seconds a client may stay silent while sending a request body.
SERVER_BODY_TIMEOUT: float = 30.0

# Seconds an idle keep-alive connection is kept open waiting for the next request.
SERVER_KEEPALIVE_TIMEOUT: float = 5.0

# Seconds in-flight requests get to finish after SIGINT/SIGTERM before connections are closed.
SERVER_SHUTDOWN_TIMEOUT: float = 30.0

####################
# LOGGING          #
####################

# A logging.config.dictConfig() dictionary, applied once by covet.setup() (None: logging is left
# as it is; the dev server sets up its own access log).
LOGGING: dict[str, Any] | None = None
