"""The blog app's configuration."""

from covet.conf.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Blog"
