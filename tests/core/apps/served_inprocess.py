"""The same app built without settings, through CovetApp directly (for the in-process ASGI tests)."""

from served_middleware import HeaderMiddleware, order_factory
from served_views import TeapotError, on_startup, router, teapot_handler

from covet.core import CovetApp


def build_app(debug: bool = False) -> CovetApp:
    return CovetApp(
        router,
        middleware=[HeaderMiddleware, order_factory],
        exception_handlers={TeapotError: teapot_handler},
        debug=debug,
        on_startup=[on_startup],
    )
