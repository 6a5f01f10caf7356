"""``get_asgi_application()``: build the project's ``CovetApp`` from its settings."""

from __future__ import annotations

from covet.core.app import CovetApp
from covet.exceptions import ImproperlyConfigured
from covet.routing import router_from_urlconf, set_root_router


def get_asgi_application() -> CovetApp:
    """Set Covet up (settings + app registry, running each app's ``ready()``), then build the app from
    ``ROOT_URLCONF``, ``MIDDLEWARE``, ``ASGI_MIDDLEWARE``, ``EXCEPTION_HANDLERS``, ``DEBUG``, ``APPEND_SLASH``,
    ``MAX_REQUEST_BODY_SIZE`` and ``MAX_FORM_MEMORY_SIZE``. The root router also becomes the one
    ``covet.routing.reverse()`` uses."""
    import covet
    from covet.conf import settings

    covet.setup()
    if not settings.ROOT_URLCONF:
        raise ImproperlyConfigured(
            "ROOT_URLCONF is not set. Point it at the module holding your URL patterns, e.g. "
            "ROOT_URLCONF = 'mysite.urls' in your settings module."
        )
    router = router_from_urlconf(settings.ROOT_URLCONF)
    set_root_router(router)
    return CovetApp(
        router,
        middleware=settings.MIDDLEWARE,
        exception_handlers=settings.EXCEPTION_HANDLERS,
        debug=settings.DEBUG,
        append_slash=settings.APPEND_SLASH,
        asgi_middleware=settings.ASGI_MIDDLEWARE,
        max_body_size=settings.MAX_REQUEST_BODY_SIZE,
        max_form_memory_size=settings.MAX_FORM_MEMORY_SIZE,
    )
