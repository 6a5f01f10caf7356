"""Settings and the app registry: ``from covet.conf import settings``.

See ``covet.conf.global_settings`` for every setting and its default, and docs/settings.md.
"""

from covet.conf.lazy import LazySettings, Settings

settings = LazySettings()

__all__ = ["LazySettings", "Settings", "settings"]
