"""``static_url(path)``: the URL of a static file, using the hashed name from the manifest in production."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote

from covet.conf import settings
from covet.staticfiles.manifest import read_manifest

logger = logging.getLogger("covet.staticfiles")


def static_prefix() -> str:
    """``STATIC_URL`` with exactly one trailing slash."""
    prefix = str(getattr(settings, "STATIC_URL", "/static/") or "/static/")
    return prefix.rstrip("/") + "/"


def static_url(path: str) -> str:
    """``STATIC_URL`` + ``path``; with DEBUG off and a manifest in ``STATIC_ROOT``, + the hashed name instead.

    A path missing from an existing manifest keeps its plain name (and a warning is logged): run
    ``covet collectstatic`` after adding static files.
    """
    name = path.lstrip("/")
    static_root = getattr(settings, "STATIC_ROOT", None)
    if static_root and not getattr(settings, "DEBUG", False):
        manifest = read_manifest(Path(settings.BASE_DIR or ".") / Path(static_root))
        if manifest is not None:
            hashed = manifest.get(name)
            if hashed is None:
                logger.warning("The static file %r is not in the manifest; run `covet collectstatic`.", name)
            else:
                name = hashed
    return static_prefix() + quote(name, safe="/-._~!$&'()*+,;=:@")
