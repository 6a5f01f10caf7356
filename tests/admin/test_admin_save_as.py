"""``save_as``: "Save as new" on the change form creates a copy from what was submitted (many-to-many links and
inline rows too, except rows ticked for deletion) and leaves the original as it was; ``save_as_continue`` decides
where the user lands."""

from __future__ import annotations

from typing import Any

import pytest
from admin_project import AdminProject, csrf_of, form_data, grant

from covet import admin

POSTS = "/admin/admin_testapp/post/"


async def make_post(project: AdminProject) -> tuple[Any, Any, Any]:
    models = project.models
    python, rust = await models.Tag.objects.create(name="python"), await models.Tag.objects.create(name="rust")
    post = await models.Post.objects.create(title="Original", slug="original", author=project.users["root"], rating=2)
    await post.tags.add(python)
    await models.Comment.objects.create(post=post, text="First!")
    return post, python, rust


def copy_data(project: AdminProject, *tags: Any, **values: str) -> dict[str, Any]:
    """The change form of the original post as submitted by "Save as new", with ``values`` changed."""
    fields = {"title": "Copy", "slug": "copy", "author": str(project.users["root"].pk), "rating": "5", **values}
    return {
        **form_data(**fields),
        "tags": [str(tag.pk) for tag in tags],
        "comments-TOTAL_FORMS": "3",
        "comments-INITIAL_FORMS": "1",
        "comments-0-text": "First!",
        "_saveasnew": "1",
    }


async def test_save_as_new_copies_the_submitted_data_and_keeps_the_original(any_project: AdminProject) -> None:
    project = any_project
    models = project.models
    post, python, rust = await make_post(project)
    await models.Comment.objects.create(post=post, text="Spam")
    client = await project.client("root")
    url = f"{POSTS}{post.pk}/change/"
    page = (await client.get(url)).text
    assert '<button type="submit" class="button" name="_saveasnew">Save as new</button>' in page
    assert 'name="_addanother"' not in page  # as in Django: with save_as, "Save as new" replaces it

    spam = {"comments-INITIAL_FORMS": "2", "comments-1-text": "Spam", "comments-1-DELETE": "on"}  # left out
    saved = await client.post(url, data={**copy_data(project, python, rust), **spam, "csrf_token": csrf_of(page)})
    assert saved.status_code == 303, saved.text[:2000]
    copy = await models.Post.objects.get(title="Copy")
    assert copy.pk != post.pk and copy.rating == 5
    assert saved.headers["location"] == f"{POSTS}{copy.pk}/change/"  # save_as_continue: edit the copy
    assert sorted(t.name for t in await copy.tags.all()) == ["python", "rust"]
    assert [c.text for c in await models.Comment.objects.filter(post=copy)] == ["First!"]

    original = await models.Post.objects.get(pk=post.pk)
    assert (original.title, original.rating) == ("Original", 2)
    assert [t.name for t in await original.tags.all()] == ["python"]
    assert sorted(c.text for c in await models.Comment.objects.filter(post=original)) == ["First!", "Spam"]
    landed = await client.get(saved.headers["location"])
    assert "The post “Copy” was added successfully. You may edit it again below." in landed.text


async def test_without_save_as_continue_the_user_goes_to_the_changelist(
    project: AdminProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    post, _python, _rust = await make_post(project)
    monkeypatch.setattr(type(admin.site.get_model_admin(project.models.Post)), "save_as_continue", False)
    saved = await project.post_form(await project.client("root"), f"{POSTS}{post.pk}/change/", copy_data(project))
    assert saved.status_code == 303 and saved.headers["location"] == POSTS
    assert await project.models.Post.objects.count() == 2


async def test_an_invalid_copy_can_only_be_saved_as_new_again(project: AdminProject) -> None:
    post, python, _rust = await make_post(project)
    client = await project.client("root")
    url = f"{POSTS}{post.pk}/change/"
    invalid = await project.post_form(client, url, copy_data(project, python, title=""))
    assert invalid.status_code == 400 and "This field is required." in invalid.text
    assert "<h1>Add post</h1>" in invalid.text
    assert 'name="_saveasnew"' in invalid.text and 'name="_save"' not in invalid.text  # "Save" would change it
    assert await project.models.Post.objects.count() == 1
    assert (await project.models.Post.objects.get(pk=post.pk)).title == "Original"


async def test_save_as_new_needs_add_permission(project: AdminProject) -> None:
    post, _python, _rust = await make_post(project)
    viewer = project.users["viewer"]
    await grant(viewer, "change_post", "view_comment")
    client = await project.client("viewer")
    url = f"{POSTS}{post.pk}/change/"
    page = await client.get(url)
    assert 'name="_save"' in page.text and 'name="_saveasnew"' not in page.text
    refused = await client.post(url, data={**copy_data(project), "csrf_token": csrf_of(page.text)})
    assert refused.status_code == 403 and "admin_testapp.add_post" in refused.text
    assert await project.models.Post.objects.count() == 1


async def test_without_save_as_the_button_is_absent_and_the_flag_ignored(project: AdminProject) -> None:
    category = await project.models.Category.objects.create(name="News")
    client = await project.client("root")
    url = f"/admin/admin_testapp/category/{category.pk}/change/"
    page = await client.get(url)
    assert 'name="_saveasnew"' not in page.text and 'name="_addanother"' in page.text
    saved = await client.post(url, data={"name": "Newsroom", "_saveasnew": "1", "csrf_token": csrf_of(page.text)})
    assert saved.status_code == 303
    assert [c.name for c in await project.models.Category.objects.all()] == ["Newsroom"]  # changed, not copied
