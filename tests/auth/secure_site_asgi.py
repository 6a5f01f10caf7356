"""The secure site as a server process imports it: settings from the environment, then the app."""

from __future__ import annotations

import os

from secure_site import build_app, site_settings

from covet.conf import settings

settings.configure(**site_settings(os.environ.get("SECURE_SITE_REDIS_URL"), os.environ["SECURE_SITE_PREFIX"]))
application = build_app()
