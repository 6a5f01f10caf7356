"""Covet's admin: ``admin.site``, ``ModelAdmin``, inlines, and the decorators of ``admin.py`` modules.

    # blog/admin.py
    from covet import admin
    from .models import Post

    @admin.register(Post)
    class PostAdmin(admin.ModelAdmin):
        list_display = ["title", "author", "published", "created"]
        search_fields = ["title", "author__username"]

    # mysite/urls.py
    urlpatterns = [..., admin.site.urls]

See docs/admin.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from covet.admin.decorators import action, display, register
from covet.admin.options import ModelAdmin
from covet.admin.sites import AdminSite, AlreadyRegistered, NotRegistered, autodiscover, site
from covet.conf.exports import lazy_exports

if TYPE_CHECKING:
    from covet.admin.filters import ListFilter
    from covet.admin.inlines import InlineModelAdmin, StackedInline, TabularInline

# Imported on first access: a project that declares no inline or filter class never loads the admin's forms.
__getattr__ = lazy_exports(
    __name__,
    {
        "ListFilter": "filters",
        "InlineModelAdmin": "inlines",
        "StackedInline": "inlines",
        "TabularInline": "inlines",
    },
)

__all__ = [
    "AdminSite",
    "AlreadyRegistered",
    "InlineModelAdmin",
    "ListFilter",
    "ModelAdmin",
    "NotRegistered",
    "StackedInline",
    "TabularInline",
    "action",
    "autodiscover",
    "display",
    "register",
    "site",
]
