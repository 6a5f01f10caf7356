"""What the add/change pages are made of: fieldsets, read-only values, the prepopulated slug, the autocomplete
and filterable widgets, and stacked inlines."""

from __future__ import annotations

import pytest
from admin_project import AdminProject

from covet import admin
from covet.exceptions import ImproperlyConfigured

POSTS = "/admin/admin_testapp/post/"


async def test_fieldsets_readonly_prepopulated_and_widgets(project: AdminProject) -> None:
    tag = await project.models.Tag.objects.create(name="release")
    post = await project.models.Post.objects.create(title="Shown", author=project.users["root"])
    await post.tags.add(tag)
    client = await project.client("root")
    page = (await client.get(f"{POSTS}{post.pk}/change/")).text
    assert "<legend><h2>Content</h2></legend>" in page
    assert 'class="fieldBox field-created readonly-field"' in page  # readonly_fields: shown, not an input
    assert 'name="created"' not in page
    assert 'id="id_slug" data-prepopulated-from="id_title"' in page
    assert 'class="admin-autocomplete" data-autocomplete-url="/admin/autocomplete/"' in page
    assert 'data-filter-for="id_tags"' in page and f'<option value="{tag.pk}" selected>release</option>' in page
    assert '<div class="form-row multi">' in page  # ("status", "published") on one line
    assert 'name="comments-TOTAL_FORMS" value="2"' in page  # no comments yet, two extra forms


async def test_stacked_inline_and_a_bad_inline_declaration(project: AdminProject) -> None:
    models = project.models

    class PostStacked(admin.StackedInline):
        model = models.Post
        fields = ["title", "author"]
        extra = 1

    category = await models.Category.objects.create(name="Culture")
    await models.Post.objects.create(title="In culture", author=project.users["root"], category=category)
    admin.site.unregister(models.Category)
    admin.site.register(models.Category, inlines=[PostStacked], search_fields=["name"])
    client = await project.client("root")
    page = await client.get(f"/admin/admin_testapp/category/{category.pk}/change/")
    assert page.status_code == 200
    assert 'class="inline-group stacked" id="posts-group"' in page.text
    assert "Post: In culture" in page.text and 'name="posts-1-title"' in page.text

    class Wrong(admin.TabularInline):
        model = models.Tag

    with pytest.raises(ImproperlyConfigured, match="Tag has no ForeignKey to Category"):
        Wrong(models.Category, admin.site)


async def test_registration_errors_say_what_to_do(project: AdminProject) -> None:
    with pytest.raises(admin.AlreadyRegistered, match="unregister"):
        admin.site.register(project.models.Post)
    with pytest.raises(ImproperlyConfigured, match="not a model"):
        admin.site.register(int)
    with pytest.raises(admin.NotRegistered):
        admin.site.unregister(project.models.Comment.__mro__[1])
