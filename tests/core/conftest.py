"""The core tests import the test apps in ``apps/`` by name (``served_settings``, ``served_urls``...)."""

from __future__ import annotations

import sys

from served_project import APPS_DIR

if str(APPS_DIR) not in sys.path:
    sys.path.insert(0, str(APPS_DIR))
