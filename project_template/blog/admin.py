"""The blog in the admin (/admin/): list, search, filter and edit posts. See Covet's docs/admin.md."""

from covet import admin

from .models import Post


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "published", "created"]
    list_filter = ["published", "created", "author"]
    search_fields = ["title", "body", "author__username"]
    date_hierarchy = "created"
    list_select_related = ["author"]
