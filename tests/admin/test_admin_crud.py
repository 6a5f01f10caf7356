"""Add, change, delete and history through the admin pages, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from admin_project import AdminProject, csrf_of, form_data

POSTS = "/admin/admin_testapp/post/"


async def test_add_change_history_and_delete(any_project: AdminProject) -> None:
    project = any_project
    models = project.models
    root = project.users["root"]
    category = await models.Category.objects.create(name="Releases")
    tag = await models.Tag.objects.create(name="python")
    client = await project.client("root")

    added = await project.post_form(
        client,
        f"{POSTS}add/",
        {
            **form_data(
                title="First release",
                slug="first-release",
                author=str(root.pk),
                category=str(category.pk),
                body="Notes",
                rating="3",
            ),
            "tags": str(tag.pk),
            "published": "on",
            "comments-0-text": "Congratulations",
            "_continue": "1",
        },
    )
    assert added.status_code == 303, added.text[:2000]
    post = await models.Post.objects.get(title="First release")
    assert added.headers["location"] == f"{POSTS}{post.pk}/change/"
    assert post.published and post.rating == 3 and post.category_id == category.pk
    assert [t.name for t in await post.tags.all()] == ["python"]
    assert [c.text for c in await models.Comment.objects.filter(post=post)] == ["Congratulations"]
    page = await client.get(added.headers["location"])
    assert "was added successfully" in page.text and 'value="First release"' in page.text

    changed = await project.post_form(
        client,
        f"{POSTS}{post.pk}/change/",
        {
            **form_data(
                title="First release, final",
                slug="first-release",
                author=str(root.pk),
                rating="4",
                category=str(category.pk),
                body="Notes",
            ),
            "comments-TOTAL_FORMS": "3",
            "comments-INITIAL_FORMS": "1",
            "comments-0-text": "Congratulations!",
            "comments-1-text": "Second comment",
            "_save": "1",
        },
    )
    assert changed.status_code == 303 and changed.headers["location"] == POSTS
    post = await models.Post.objects.get(pk=post.pk)
    assert post.title == "First release, final" and not post.published and post.rating == 4
    assert sorted(c.text for c in await models.Comment.objects.filter(post=post)) == [
        "Congratulations!",
        "Second comment",
    ]

    history = await client.get(f"{POSTS}{post.pk}/history/")
    assert history.status_code == 200
    assert "Added." in history.text
    assert "Changed title, tags, published and rating." in history.text  # tags were not posted: emptied
    assert "Changed comment “Congratulations!”." in history.text and "Added comment “Second comment”." in history.text
    index = await client.get("/admin/")
    assert "First release, final" in index.text  # recent actions

    confirm = await client.get(f"{POSTS}{post.pk}/delete/")
    assert confirm.status_code == 200
    assert "Comments: 2" in confirm.text and "Second comment" in confirm.text and "Posts: 1" in confirm.text
    deleted = await client.post(f"{POSTS}{post.pk}/delete/", data={"post": "yes", "csrf_token": csrf_of(confirm.text)})
    assert deleted.status_code == 303 and deleted.headers["location"] == POSTS
    assert await models.Post.objects.count() == 0 and await models.Comment.objects.count() == 0
    from covet.admin.models import LogEntry

    flags = [entry.action_flag for entry in await LogEntry.objects.filter(object_id=str(post.pk)).order_by("id")]
    assert flags == [1, 2, 3]
    assert (await client.get(f"{POSTS}{post.pk}/change/")).status_code == 404


async def test_missing_and_malformed_ids_are_404(any_project: AdminProject) -> None:
    client = await any_project.client("root")
    for suffix in ("999/change/", "999/delete/", "999/history/", "abc/change/", "1%27%20OR%201=1/change/"):
        response = await client.get(POSTS + suffix)
        assert response.status_code == 404, suffix
    assert (await client.get("/admin/admin_testapp/nosuchmodel/")).status_code == 404
    assert (await client.get("/admin/nosuchapp/")).status_code == 404


async def test_invalid_form_shows_errors_and_keeps_what_was_typed(project: AdminProject) -> None:
    client = await project.client("root")
    typed = "<b>My title</b> & more"
    response = await project.post_form(
        client,
        f"{POSTS}add/",
        {**form_data(title=typed, author="999999", rating="lots", body="Typed body"), "_save": "1"},
    )
    assert response.status_code == 400
    assert "Please correct the errors below." in response.text
    assert 'value="&lt;b&gt;My title&lt;/b&gt; &amp; more"' in response.text
    assert "Typed body</textarea>" in response.text
    assert 'value="lots"' in response.text and "Enter a whole number." in response.text
    assert "Select a valid choice" in response.text
    assert 'aria-invalid="true"' in response.text
    empty = await project.post_form(client, f"{POSTS}add/", {**form_data(), "_save": "1"})
    assert empty.status_code == 400 and "This field is required." in empty.text
    assert await project.models.Post.objects.count() == 0


async def test_invalid_inline_row_blocks_the_whole_save(project: AdminProject) -> None:
    root = project.users["root"]
    client = await project.client("root")
    response = await project.post_form(
        client,
        f"{POSTS}add/",
        {**form_data(title="With a bad comment", author=str(root.pk)), "comments-0-text": "x" * 400, "_save": "1"},
    )
    assert response.status_code == 400
    assert "at most 300 characters" in response.text
    assert await project.models.Post.objects.count() == 0


async def test_save_and_add_another(project: AdminProject) -> None:
    root = project.users["root"]
    client = await project.client("root")
    response = await project.post_form(
        client, f"{POSTS}add/", {**form_data(title="One", author=str(root.pk)), "_addanother": "1"}
    )
    assert response.status_code == 303 and response.headers["location"] == f"{POSTS}add/"
    page = await client.get(f"{POSTS}add/")
    assert "You may add another post below." in page.text


async def test_raw_id_field_and_object_url_redirect(project: AdminProject) -> None:
    post = await project.models.Post.objects.create(title="Target", author=project.users["root"])
    comment = await project.models.Comment.objects.create(post=post, text="hi")
    client = await project.client("root")
    page = await client.get(f"/admin/admin_testapp/comment/{comment.pk}/change/")
    assert 'class="vForeignKeyRawIdAdminField"' in page.text and f'value="{post.pk}"' in page.text
    assert '<strong class="raw-id-label">Target</strong>' in page.text
    moved = await client.get(f"/admin/admin_testapp/comment/{comment.pk}/")
    assert moved.status_code == 301 and moved.headers["location"].endswith(f"/{comment.pk}/change/")


async def test_autocomplete_endpoint(project: AdminProject) -> None:
    for name in ("News", "Newsletter", "Sports"):
        await project.models.Category.objects.create(name=name)
    client = await project.client("root")
    url = "/admin/autocomplete/?app_label=admin_testapp&model_name=post&field_name=category&term="
    found = (await client.get(url + "news")).json()
    assert [item["text"] for item in found["results"]] == ["News", "Newsletter"]
    assert found["pagination"] == {"more": False}
    assert (await client.get(url + "%25' OR 1=1 --")).json()["results"] == []
    assert (await client.get("/admin/autocomplete/?app_label=admin_testapp&model_name=post")).status_code == 400
    not_allowed = "/admin/autocomplete/?app_label=admin_testapp&model_name=post&field_name=author&term=r"
    assert (await client.get(not_allowed)).status_code == 403
    viewer = await project.client("viewer")
    assert (await viewer.get(url + "news")).status_code == 200
    visitor = await project.client()
    assert (await visitor.get(url + "news")).status_code == 302


async def test_protected_objects_are_not_deleted(project: AdminProject) -> None:
    category = await project.models.Category.objects.create(name="Kept")
    await project.models.Post.objects.create(title="Holds it", author=project.users["root"], category=category)
    client = await project.client("root")
    url = f"/admin/admin_testapp/category/{category.pk}/delete/"
    page = await client.get(url)
    assert page.status_code == 200 and "Cannot delete" in page.text and "PROTECT" in page.text
    assert "Yes, I" not in page.text
    refused = await client.post(url, data={"post": "yes", "csrf_token": csrf_of(page.text)})
    assert refused.status_code == 409 and "Cannot delete" in refused.text
    assert await project.models.Category.objects.filter(pk=category.pk).exists()
    token = csrf_of(refused.text)
    action = await client.post(
        "/admin/admin_testapp/category/",
        data={"action": "delete_selected", "_selected_action": [str(category.pk)], "post": "yes", "csrf_token": token},
    )
    assert action.status_code == 409 and "Cannot delete" in action.text
    assert await project.models.Category.objects.filter(pk=category.pk).exists()


async def test_inlines_follow_the_inline_models_permissions(project: AdminProject) -> None:
    from covet.auth.models import Permission

    viewer = project.users["viewer"]
    for codename in ("change_post", "view_comment"):
        perm = await Permission.objects.create(app_label="admin_testapp", codename=codename, name=codename)
        await viewer.user_permissions.add(perm)
    post = await project.models.Post.objects.create(title="Shared", author=project.users["root"])
    comment = await project.models.Comment.objects.create(post=post, text="Original")
    client = await project.client("viewer")
    url = f"{POSTS}{post.pk}/change/"
    page = await client.get(url)
    assert 'name="comments-0-text"' in page.text and 'name="comments-1-text"' not in page.text  # no extra rows
    assert "comments-0-DELETE" not in page.text
    text_input = re.search(r'<input[^>]*name="comments-0-text"[^>]*>', page.text)
    assert text_input is not None and " disabled" in text_input.group(0)
    saved = await client.post(url, data={
        **form_data(title="Shared, edited", author=str(project.users["root"].pk)),
        "comments-TOTAL_FORMS": "2", "comments-INITIAL_FORMS": "1", "comments-0-text": "Hacked",
        "comments-0-DELETE": "on", "comments-1-text": "Smuggled", "_save": "1", "csrf_token": csrf_of(page.text),
    })  # fmt: skip
    assert saved.status_code == 303
    assert (await project.models.Post.objects.get(pk=post.pk)).title == "Shared, edited"
    assert [c.text for c in await project.models.Comment.objects.all()] == ["Original"]
    assert (await project.models.Comment.objects.get(pk=comment.pk)).text == "Original"
