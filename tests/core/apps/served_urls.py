"""Root URL conf of the served test project."""

from covet.routing import include

urlpatterns = [include("served_views")]
