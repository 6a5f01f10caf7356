"""The URL conf of the admin tests: the admin at /admin, as a project mounts it."""

from covet import admin

urlpatterns = [admin.site.urls]
