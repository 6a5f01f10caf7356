"""Environment variables that override settings: secrets and URLs stay out of the code.

``SECRET_KEY``, ``DATABASE_URL`` (-> ``DATABASES["default"]["URL"]``), ``REDIS_URL``, ``DEBUG`` and
``ALLOWED_HOSTS`` (comma-separated) are applied after the settings module has been loaded.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

from covet.exceptions import ImproperlyConfigured

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def parse_bool(name: str, raw: str) -> bool:
    """Parse a boolean environment value, or say which values are accepted."""
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"The environment variable {name}={raw!r} is not a boolean. "
        f"Use one of: true, false, 1, 0, yes, no, on, off (or unset it)."
    )


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    """The boolean environment variable ``name``, or ``default`` when it is unset or empty."""
    raw = (os.environ if environ is None else environ).get(name, "")
    return parse_bool(name, raw) if raw.strip() else default


def parse_list(raw: str) -> list[str]:
    """A comma-separated value as a list of stripped, non-empty items."""
    return [item.strip() for item in raw.split(",") if item.strip()]


def _set_database_url(values: MutableMapping[str, Any], url: str) -> None:
    databases = {alias: dict(config) for alias, config in (values.get("DATABASES") or {}).items()}
    databases.setdefault("default", {})["URL"] = url
    values["DATABASES"] = databases


def _setter(setting: str, convert: Callable[[str, str], Any]) -> Callable[[MutableMapping[str, Any], str, str], None]:
    def apply(values: MutableMapping[str, Any], name: str, raw: str) -> None:
        values[setting] = convert(name, raw)

    return apply


# Environment variable -> how it changes the settings values.
ENV_OVERRIDES: dict[str, Callable[[MutableMapping[str, Any], str, str], None]] = {
    "SECRET_KEY": _setter("SECRET_KEY", lambda _name, raw: raw),
    "DATABASE_URL": lambda values, _name, raw: _set_database_url(values, raw),
    "REDIS_URL": _setter("REDIS_URL", lambda _name, raw: raw),
    "DEBUG": _setter("DEBUG", parse_bool),
    "ALLOWED_HOSTS": _setter("ALLOWED_HOSTS", lambda _name, raw: parse_list(raw)),
}


def apply_env_overrides(values: MutableMapping[str, Any], environ: Mapping[str, str] | None = None) -> list[str]:
    """Apply the environment overrides to ``values`` in place; return the names of the variables used.

    An empty variable counts as unset, so ``DEBUG=`` does not turn anything off by accident.
    """
    environ = os.environ if environ is None else environ
    used = []
    for name, apply in ENV_OVERRIDES.items():
        raw = environ.get(name)
        if raw is not None and raw.strip():
            apply(values, name, raw)
            used.append(name)
    return used
