"""The admin of the test app: every option the tests exercise."""

from __future__ import annotations

from typing import Any

from admin_testapp.models import Category, Comment, Post, Tag
from covet import admin
from covet.messages import api as messages


class CommentInline(admin.TabularInline):
    model = Comment
    extra = 2


@admin.action(description="Mark selected posts as published", permissions=["change"], confirm=True)
async def make_published(model_admin: Any, request: Any, queryset: Any) -> None:
    count = await queryset.update(published=True)
    messages.success(request, f"{count} posts marked as published.")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "author__username", "category", "status", "published", "rating", "created", "shout"]
    list_display_links = ["title"]
    list_filter = ["published", "status", "created", "author", "category"]
    list_editable = ["rating"]
    search_fields = ["title", "author__username", "category__name"]
    date_hierarchy = "created"
    list_per_page = 20
    actions = [make_published, "make_draft"]
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ["category"]
    readonly_fields = ["created"]
    inlines = [CommentInline]
    save_as = True
    filter_horizontal = ["tags"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "category"]}),
        ("Content", {"fields": ["body", "tags", ("status", "published"), "rating", "created"]}),
    ]

    @admin.action(description="Mark selected posts as drafts")
    async def make_draft(self, request: Any, queryset: Any) -> None:
        count = await queryset.update(status="draft")
        messages.success(request, f"{count} posts marked as drafts by {type(self).__name__}.")

    @admin.display(description="Loud title", ordering="title")
    def shout(self, obj: Post) -> str:
        return str(obj.title).upper()


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    search_fields = ["name"]


admin.site.register(Tag)
admin.site.register(Comment, list_display=["text", "post"], raw_id_fields=["post"])
