"""Static files: finders over the project's and apps' ``static/`` directories, ``static_url()``,
``StaticFilesMiddleware`` (serving in DEBUG) and ``collect_static()`` behind ``covet collectstatic``.

The names are imported on first access: templates need only ``static_url`` to serve a page, not the
collectstatic machinery (and its compressors).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from covet.conf.exports import lazy_exports

if TYPE_CHECKING:
    from covet.staticfiles.collect import CollectResult, collect_static, hashed_name
    from covet.staticfiles.finders import StaticFinder
    from covet.staticfiles.middleware import StaticFilesMiddleware
    from covet.staticfiles.urls import static_url

__getattr__ = lazy_exports(
    __name__,
    {
        "CollectResult": "collect",
        "collect_static": "collect",
        "hashed_name": "collect",
        "StaticFinder": "finders",
        "StaticFilesMiddleware": "middleware",
        "static_url": "urls",
    },
)

__all__ = ["CollectResult", "StaticFilesMiddleware", "StaticFinder", "collect_static", "hashed_name", "static_url"]
