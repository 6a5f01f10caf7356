"""The served test project's ASGI entry point, as a generated project's asgi.py would be."""

from served_views import on_startup

import covet

application = covet.get_asgi_application()
application.add_startup_handler(on_startup)
