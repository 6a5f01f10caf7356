"""Static files: finders over the project's and apps' ``static/`` directories, ``static_url()``,
``StaticFilesMiddleware`` (serving in DEBUG) and ``collect_static()`` behind ``covet collectstatic``."""

from covet.staticfiles.collect import CollectResult, collect_static, hashed_name
from covet.staticfiles.finders import StaticFinder
from covet.staticfiles.middleware import StaticFilesMiddleware
from covet.staticfiles.urls import static_url

__all__ = ["CollectResult", "StaticFilesMiddleware", "StaticFinder", "collect_static", "hashed_name", "static_url"]
