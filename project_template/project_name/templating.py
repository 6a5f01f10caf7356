"""Template rendering for this project's views: jinja2 over templates/ and each app's templates/ directory.

A minimal stand-in: replace ``render`` with ``covet.templates.render`` once Covet's template layer
is installed; the call signature is the same.
"""

from functools import cache

import jinja2

from covet.conf import settings
from covet.conf.apps import apps


@cache
def environment() -> jinja2.Environment:
    directories = [settings.BASE_DIR / "templates"]
    directories += [config.path / "templates" for config in apps.get_app_configs() if config.path is not None]
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(directory) for directory in directories]),
        autoescape=jinja2.select_autoescape(),
        auto_reload=bool(settings.DEBUG),
    )


def render(request, template_name: str, context: dict | None = None) -> str:
    """The HTML of ``template_name`` rendered with ``context`` (and ``request``)."""
    return environment().get_template(template_name).render({"request": request, **(context or {})})
