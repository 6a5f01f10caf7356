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

# Older secret keys still accepted when verifying signatures (sessions, CSRF cookies, signed values),
# newest first. To rotate the key without signing everyone out: move the old key here, set a new
# SECRET_KEY, and drop the old one once SESSION_COOKIE_AGE has passed.
SECRET_KEY_FALLBACKS: list[str] = []

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
# ("POOL_SIZE", "MAX_OVERFLOW", "POOL_TIMEOUT", "POOL_RECYCLE", "POOL_PRE_PING"), driver arguments
# ("CONNECT_ARGS", or "OPTIONS") and, for SQLite, "BUSY_TIMEOUT_MS" (how long a writer waits for a lock).
# A relative SQLite path is relative to BASE_DIR. The DATABASE_URL environment variable
# overrides DATABASES["default"]["URL"].
DATABASES: dict[str, dict[str, Any]] = {
    "default": {"URL": "sqlite+aiosqlite:///db.sqlite3"},
}

# Cache backends by alias. "BACKEND" is a dotted class path; local memory by default
# (per process). Use "covet.cache.redis.RedisCache" with "LOCATION" (default: REDIS_URL) to share a
# cache between processes and machines. Every entry may set "TIMEOUT" (seconds, default 300; None
# keeps keys forever), "KEY_PREFIX", "VERSION" (default 1) and "OPTIONS": for local memory
# "MAX_ENTRIES" (default 1000, least recently used evicted first); for Redis "MAX_CONNECTIONS"
# (pool size, default 50), "SOCKET_TIMEOUT" and "SOCKET_CONNECT_TIMEOUT" (seconds, default 5).
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

# Let StaticFilesMiddleware serve STATIC_ROOT with DEBUG off (a single-process site without a
# front server). With DEBUG on it serves the static directories anyway; `covet serve --prod`
# answers STATIC_ROOT in the accelerator itself.
STATICFILES_SERVE: bool = False

####################
# AUTHENTICATION   #
####################

# The user model, as "app_label.ModelName". Set it before the first migration: changing it later
# means migrating every table that points at users.
AUTH_USER_MODEL: str = "auth.User"

# Dotted paths of the classes authenticate() asks in turn; each has ``async authenticate(request,
# **credentials)`` and ``async get_user(user_id)``.
AUTHENTICATION_BACKENDS: list[str] = ["covet.auth.backends.ModelBackend"]

# Password validators run on sign-up and password changes: a list of {"NAME": dotted path,
# "OPTIONS": {...}}. None runs all four of covet.auth.password_validation (minimum length, common
# passwords, all-numeric, similarity to the username and e-mail); [] turns validation off.
AUTH_PASSWORD_VALIDATORS: list[dict[str, Any]] | None = None

# Argon2id parameters for new password hashes: iterations, memory in KiB (65536 = 64 MiB) and
# lanes. A stored hash made with other parameters is re-hashed at the user's next sign-in.
ARGON2_TIME_COST: int = 3

# See ARGON2_TIME_COST.
ARGON2_MEMORY_COST: int = 65536

# See ARGON2_TIME_COST.
ARGON2_PARALLELISM: int = 4

# Where @login_required sends a browser that is not signed in (with ?next=<path>); API requests get
# 401 instead.
LOGIN_URL: str = "/accounts/login"

# Where the login and sign-up views go after success when no safe ``next`` was given.
LOGIN_REDIRECT_URL: str = "/"

# Where the logout view goes afterwards.
LOGOUT_REDIRECT_URL: str = "/"

# Whether covet.auth's sign-up view accepts new accounts (False: 404).
AUTH_ALLOW_SIGNUP: bool = True

# Attempts allowed per client address on covet.auth's login and sign-up views ("<count>/<period>",
# period s, m, h or d): brute-force protection. Read when covet.auth.views is first imported.
AUTH_LOGIN_RATE: str = "5/m"

# Requests allowed per client address on the JWT token endpoints (obtain and refresh).
AUTH_TOKEN_RATE: str = "10/m"

# Sign-in attempts allowed per client address on the admin's login page.
ADMIN_LOGIN_RATE: str = "10/m"

####################
# JWT              #
####################

# The one algorithm JWTs are signed and verified with. Tokens are never verified with the
# algorithm named in their own header, so "alg": "none" and key-confusion tricks are refused.
JWT_ALGORITHM: str = "HS256"

# The key tokens are signed with (None: SECRET_KEY). For RS256/ES256/EdDSA, a PEM private key.
JWT_SIGNING_KEY: str | None = None

# The key tokens are verified with (None: the signing key). For RS256/ES256/EdDSA, a PEM public key.
JWT_VERIFYING_KEY: str | None = None

# Lifetime of an access token, in seconds (5 minutes).
JWT_ACCESS_TOKEN_LIFETIME: int = 300

# Lifetime of a refresh token, in seconds (14 days). Each refresh token works once: refreshing
# revokes it and issues a new pair.
JWT_REFRESH_TOKEN_LIFETIME: int = 1209600

# Seconds of clock skew tolerated on the exp, nbf and iat claims.
JWT_LEEWAY: int = 0

# When set, put into issued tokens ("aud") and required on every token verified.
JWT_AUDIENCE: str | None = None

# When set, put into issued tokens ("iss") and required on every token verified.
JWT_ISSUER: str | None = None

# The cache alias holding revoked refresh tokens: a Redis cache when several processes serve the API.
JWT_CACHE_ALIAS: str = "default"

####################
# SESSIONS         #
####################

# Where session data lives: "cache" (the SESSION_CACHE_ALIAS cache: per process with local memory,
# shared with Redis), "db" (the auth app's session table, shared by every process), "signed_cookie"
# (in the cookie itself, signed not encrypted), or a dotted path to a SessionBackend class.
SESSION_ENGINE: str = "cache"

# The cache alias the "cache" session engine uses.
SESSION_CACHE_ALIAS: str = "default"

# Name of the session cookie.
SESSION_COOKIE_NAME: str = "sessionid"

# Lifetime of a session, in seconds (2 weeks).
SESSION_COOKIE_AGE: int = 1209600

# Domain of the session cookie, e.g. ".example.com" to share it with subdomains (None: this host only).
SESSION_COOKIE_DOMAIN: str | None = None

# Path of the session cookie.
SESSION_COOKIE_PATH: str = "/"

# Mark the session cookie Secure: True always, False never, None when the request came over HTTPS.
SESSION_COOKIE_SECURE: bool | None = None

# Hide the session cookie from JavaScript.
SESSION_COOKIE_HTTPONLY: bool = True

# SameSite attribute of the session cookie: "Lax", "Strict", "None" or None (not sent).
SESSION_COOKIE_SAMESITE: str | None = "Lax"

# Make the session cookie a browser-session cookie (no Max-Age/Expires).
SESSION_EXPIRE_AT_BROWSER_CLOSE: bool = False

# Save the session (and refresh its expiry) on every request, not only when it changed.
SESSION_SAVE_EVERY_REQUEST: bool = False

####################
# HTTPS & HEADERS  #
####################

# Redirect plain-HTTP requests to HTTPS (301). Behind a TLS-terminating proxy, also set
# SECURE_PROXY_SSL_HEADER, or every request redirects to itself.
SECURE_SSL_REDIRECT: bool = False

# The host the HTTPS redirect goes to (None: the request's own host, which must be allowed).
SECURE_SSL_HOST: str | None = None

# Regular expressions of paths (without the leading slash) the HTTPS redirect leaves alone.
SECURE_REDIRECT_EXEMPT: list[str] = []

# Strict-Transport-Security max-age sent on HTTPS responses, in seconds (0: no header). Start small
# (3600), then raise it to a year (31536000) once the whole site works over HTTPS.
SECURE_HSTS_SECONDS: int = 0

# Add includeSubDomains to the Strict-Transport-Security header.
SECURE_HSTS_INCLUDE_SUBDOMAINS: bool = False

# Add preload to the Strict-Transport-Security header (for browsers' HSTS preload lists).
SECURE_HSTS_PRELOAD: bool = False

# Send X-Content-Type-Options: nosniff.
SECURE_CONTENT_TYPE_NOSNIFF: bool = True

# The Referrer-Policy header (None: not sent).
SECURE_REFERRER_POLICY: str | None = "same-origin"

# The Cross-Origin-Opener-Policy header (None: not sent).
SECURE_CROSS_ORIGIN_OPENER_POLICY: str | None = "same-origin"

# The X-Frame-Options header: "DENY", "SAMEORIGIN" or None (not sent).
X_FRAME_OPTIONS: str | None = "DENY"

# The Content-Security-Policy header: a policy string, or a dict {"default-src": ["'self'"], ...}
# (None: not sent). A view that sets the header itself keeps its own.
SECURE_CONTENT_SECURITY_POLICY: str | dict[str, Any] | None = None

# The same, sent as Content-Security-Policy-Report-Only (to try a policy before enforcing it).
SECURE_CONTENT_SECURITY_POLICY_REPORT_ONLY: str | dict[str, Any] | None = None

####################
# PROXIES          #
####################

# A (header, value) pair, e.g. ("X-Forwarded-Proto", "https"), that your reverse proxy sets on HTTPS
# requests (and strips from clients'). None: only the connection itself tells whether it is HTTPS.
SECURE_PROXY_SSL_HEADER: tuple[str, str] | None = None

# Take the host from X-Forwarded-Host instead of Host (only behind a proxy that sets it).
USE_X_FORWARDED_HOST: bool = False

# How many proxies in front of the site append to X-Forwarded-For; the client address is the entry
# that many places from the right. 0 ignores the header and uses the connection's peer address.
TRUSTED_PROXY_COUNT: int = 0

####################
# CSRF             #
####################

# Name of the cookie holding the signed CSRF secret when no session middleware runs.
CSRF_COOKIE_NAME: str = "csrftoken"

# The request header JavaScript sends the token in.
CSRF_HEADER_NAME: str = "X-CSRFToken"

# The form field HTML forms send the token in (csrf_input() renders it).
CSRF_FORM_FIELD: str = "csrf_token"

# Other origins whose unsafe requests are accepted over HTTPS, e.g. "https://*.example.com".
CSRF_TRUSTED_ORIGINS: list[str] = []

# Lifetime of the CSRF cookie, in seconds (a year).
CSRF_COOKIE_AGE: int = 31449600

# Mark the CSRF cookie Secure: True always, False never, None when the request came over HTTPS.
CSRF_COOKIE_SECURE: bool | None = None

# Hide the CSRF cookie from JavaScript (pages pass the token to scripts themselves).
CSRF_COOKIE_HTTPONLY: bool = True

# SameSite attribute of the CSRF cookie.
CSRF_COOKIE_SAMESITE: str | None = "Lax"

# Domain of the CSRF cookie (None: this host only).
CSRF_COOKIE_DOMAIN: str | None = None

# Path of the CSRF cookie.
CSRF_COOKIE_PATH: str = "/"

####################
# CORS             #
####################

# Origins allowed to call this site from the browser, exactly, e.g. "https://app.example.com".
CORS_ALLOWED_ORIGINS: list[str] = []

# Regular expressions of allowed origins, e.g. r"^https://\w+\.example\.com$".
CORS_ALLOWED_ORIGIN_REGEXES: list[str] = []

# Allow every origin (never together with credentials for a site with accounts).
CORS_ALLOW_ALL_ORIGINS: bool = False

# Methods allowed in cross-origin requests.
CORS_ALLOW_METHODS: list[str] = ["DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"]

# Request headers allowed in cross-origin requests.
CORS_ALLOW_HEADERS: list[str] = ["accept", "authorization", "content-type", "x-csrftoken", "x-requested-with"]

# Let cross-origin requests carry cookies and Authorization (the exact origin is echoed, never "*").
CORS_ALLOW_CREDENTIALS: bool = False

# Response headers cross-origin scripts may read.
CORS_EXPOSE_HEADERS: list[str] = []

# Seconds browsers may cache a preflight answer.
CORS_PREFLIGHT_MAX_AGE: int = 86400

####################
# RATE LIMITING    #
####################

# Turn every rate limit (middleware rules, @ratelimit, login and token views) on or off.
RATELIMIT_ENABLED: bool = True

# Rules of RateLimitMiddleware, each {"path": "/api/", "rate": "100/m", "key": "ip", "methods":
# ["POST"]} ("path" is a prefix, or use "regex"; "key" is "ip", "user" or "header:<Name>"). Every
# matching rule applies.
RATELIMIT_RULES: list[dict[str, Any]] = []

# The cache alias holding the counters: a Redis cache makes limits hold across processes.
RATELIMIT_CACHE_ALIAS: str = "default"

####################
# IP FILTER        #
####################

# Addresses or networks ("10.0.0.0/8", "2001:db8::/32") IPFilterMiddleware lets in ([]: everyone).
IPFILTER_ALLOW: list[str] = []

# Addresses or networks IPFilterMiddleware refuses with 403; deny wins over allow.
IPFILTER_DENY: list[str] = []

####################
# GZIP             #
####################

# Smallest response body GZipMiddleware compresses, in bytes.
GZIP_MIN_SIZE: int = 500

# The gzip compression level, 1 (fastest) to 9 (smallest).
GZIP_LEVEL: int = 6

####################
# MESSAGES         #
####################

# The lowest level of flash message recorded (covet.messages.constants: DEBUG 10, INFO 20,
# SUCCESS 25, WARNING 30, ERROR 40).
MESSAGE_LEVEL: int = 20

# Maps a message level to its CSS tag, overriding the defaults ("debug", "info", "success",
# "warning", "error").
MESSAGE_TAGS: dict[int, str] = {}

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
