"""The Alembic ``Config`` built in code: user projects carry no alembic.ini and no env.py."""

from __future__ import annotations

import os
from argparse import Namespace
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from alembic.config import Config

from .apps import MigrationApp

#: Holds Covet's env.py and the revision file template (Alembic's "script_location").
SCRIPT_LOCATION = Path(__file__).parent / "alembic_script"

#: Revision files are named ``<revision id>_<slug of the message>.py``.
FILE_TEMPLATE = "%(rev)s_%(slug)s"


def _escape(value: str) -> str:
    # Config values pass through configparser interpolation, where "%" is special.
    return value.replace("%", "%%")


def build_config(apps: Sequence[MigrationApp], **attributes: Any) -> Config:
    """An Alembic Config whose version locations are the apps' ``migrations/`` directories.

    ``attributes`` travel to Covet's env.py through ``config.attributes`` (the live connection, the
    environment settings, callbacks); they are never written to disk.
    """
    # quiet: the commands report through their return values, not Alembic's "Generating ... done" lines.
    config = Config(cmd_opts=Namespace(quiet=True))
    config.set_main_option("script_location", _escape(str(SCRIPT_LOCATION)))
    config.set_main_option("path_separator", "os")
    config.set_main_option("file_template", _escape(FILE_TEMPLATE))
    config.set_main_option("truncate_slug_length", "40")
    if apps:
        # Directories that do not exist yet are skipped when reading and created when writing a revision.
        locations = os.pathsep.join(str(app.directory) for app in apps)
        config.set_main_option("version_locations", _escape(locations))
    config.attributes.update(attributes)
    return config
