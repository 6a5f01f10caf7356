"""Settings of the served test project (loaded through COVET_SETTINGS_MODULE)."""

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["served_app"]
ROOT_URLCONF = "served_urls"
MIDDLEWARE = ["served_middleware.HeaderMiddleware", "served_middleware.order_factory"]
EXCEPTION_HANDLERS = {"served_views.TeapotError": "served_views.teapot_handler"}
APPEND_SLASH = True
