"""Changelist actions: delete selected (confirmation listing the cascade, then the delete and its log), a custom
action with a confirmation page, and the refusals (nothing selected, unknown action, malformed ids)."""

from __future__ import annotations

from admin_project import AdminProject, csrf_of

from covet.admin.models import DELETION, LogEntry

POSTS = "/admin/admin_testapp/post/"


async def make_posts(project: AdminProject, count: int) -> list[object]:
    models = project.models
    posts = [await models.Post.objects.create(title=f"Post {n}", author=project.users["root"]) for n in range(count)]
    await models.Comment.objects.create(post=posts[0], text="Goes with post 0")
    return posts


async def test_delete_selected_asks_then_deletes_and_logs(project: AdminProject) -> None:
    posts = await make_posts(project, 3)
    client = await project.client("root")
    page = await client.get(POSTS)
    token = csrf_of(page.text)
    chosen = [str(posts[0].pk), str(posts[1].pk)]
    confirm = await client.post(
        POSTS, data={"action": "delete_selected", "_selected_action": chosen, "index": "0", "csrf_token": token}
    )
    assert confirm.status_code == 200
    assert "Are you sure you want to delete the selected posts?" in confirm.text
    assert "Posts: 2" in confirm.text and "Comments: 1" in confirm.text and "Goes with post 0" in confirm.text
    assert await project.models.Post.objects.count() == 3  # nothing deleted yet
    done = await client.post(
        POSTS,
        data={
            "action": "delete_selected",
            "_selected_action": chosen,
            "post": "yes",
            "csrf_token": csrf_of(confirm.text),
        },
    )
    assert done.status_code == 303 and done.headers["location"] == POSTS
    remaining = [post.title for post in await project.models.Post.objects.all()]
    assert remaining == ["Post 2"] and await project.models.Comment.objects.count() == 0
    entries = await LogEntry.objects.filter(action_flag=DELETION).order_by("object_repr")
    assert [entry.object_repr for entry in entries] == ["Post 0", "Post 1"]
    listing = await client.get(POSTS)
    assert "Successfully deleted 2 posts." in listing.text


async def test_custom_action_with_confirmation(project: AdminProject) -> None:
    posts = await make_posts(project, 2)
    client = await project.client("root")
    token = csrf_of((await client.get(POSTS)).text)
    ask = await client.post(
        POSTS, data={"action": "make_published", "_selected_action": [str(posts[1].pk)], "csrf_token": token}
    )
    assert ask.status_code == 200 and "Mark selected posts as published" in ask.text and "Post 1" in ask.text
    assert not (await project.models.Post.objects.get(pk=posts[1].pk)).published
    run = await client.post(
        POSTS,
        data={
            "action": "make_published",
            "_selected_action": [str(posts[1].pk)],
            "post": "yes",
            "csrf_token": csrf_of(ask.text),
        },
    )
    assert run.status_code == 303
    assert (await project.models.Post.objects.get(pk=posts[1].pk)).published
    assert not (await project.models.Post.objects.get(pk=posts[0].pk)).published
    assert "1 posts marked as published." in (await client.get(POSTS)).text


async def test_select_across_runs_on_every_matching_row(project: AdminProject) -> None:
    await make_posts(project, 4)
    client = await project.client("root")
    token = csrf_of((await client.get(POSTS)).text)
    response = await client.post(
        POSTS, data={"action": "make_published", "select_across": "1", "post": "yes", "csrf_token": token}
    )
    assert response.status_code == 303
    assert await project.models.Post.objects.filter(published=True).count() == 4


async def test_bad_action_posts_change_nothing(project: AdminProject) -> None:
    posts = await make_posts(project, 2)
    client = await project.client("root")
    token = csrf_of((await client.get(POSTS)).text)
    nothing = await client.post(POSTS, data={"action": "delete_selected", "csrf_token": token})
    assert nothing.status_code == 303
    assert "Items must be selected" in (await client.get(POSTS)).text
    token = csrf_of((await client.get(POSTS)).text)
    unknown = await client.post(
        POSTS, data={"action": "drop_everything", "_selected_action": [str(posts[0].pk)], "csrf_token": token}
    )
    assert unknown.status_code == 403
    malformed = await client.post(
        POSTS, data={"action": "delete_selected", "_selected_action": ["1 OR 1=1"], "post": "yes", "csrf_token": token}
    )
    assert malformed.status_code == 303
    no_action = await client.post(
        POSTS, data={"action": "", "_selected_action": [str(posts[0].pk)], "csrf_token": token}
    )
    assert no_action.status_code == 303
    assert await project.models.Post.objects.count() == 2


async def run_action(project: AdminProject, name: str, post: object) -> object:
    client = await project.client("root")
    token = csrf_of((await client.get(POSTS)).text)
    data = {"action": name, "_selected_action": [str(post.pk)], "post": "yes", "csrf_token": token}  # type: ignore[attr-defined]
    response = await client.post(POSTS, data=data)
    assert response.status_code == 303, response.text[:800]
    return client


async def test_action_named_by_a_string_runs_the_admin_method(project: AdminProject) -> None:
    post = await project.models.Post.objects.create(title="Live one", status="live", author=project.users["root"])
    client = await run_action(project, "make_draft", post)
    assert (await project.models.Post.objects.get(pk=post.pk)).status == "draft"
    listing = (await client.get(POSTS)).text  # type: ignore[attr-defined]
    assert "1 posts marked as drafts by PostAdmin." in listing and "Mark selected posts as drafts" in listing


async def test_bound_method_and_synchronous_function_actions(project: AdminProject) -> None:
    from covet import admin
    from covet.messages import api as messages

    class Archiver:
        def __init__(self) -> None:
            self.seen: list[str] = []

        async def archive(self, request: object, queryset: object) -> None:
            self.seen.extend([post.title for post in await queryset])  # type: ignore[attr-defined]

    def make_live(model_admin: object, request: object, queryset: object) -> None:  # Django-style, not async
        messages.success(request, f"make_live ran for {type(model_admin).__name__}.")  # type: ignore[arg-type]

    archiver = Archiver()
    model_admin = admin.site.get_model_admin(project.models.Post)
    model_admin.actions = [archiver.archive, make_live, "delete_selected"]  # type: ignore[misc]
    post = await project.models.Post.objects.create(title="Old news", author=project.users["root"])
    await run_action(project, "archive", post)
    assert archiver.seen == ["Old news"]
    client = await run_action(project, "make_live", post)
    assert "make_live ran for PostAdmin." in (await client.get(POSTS)).text  # type: ignore[attr-defined]
    await run_action(project, "delete_selected", post)  # a site-wide action named by a string
    assert await project.models.Post.objects.count() == 0


async def test_unknown_method_name_in_actions_says_what_to_do(project: AdminProject) -> None:
    import pytest

    from covet import admin
    from covet.exceptions import ImproperlyConfigured

    model_admin = admin.site.get_model_admin(project.models.Post)
    model_admin.actions = ["no_such_action"]  # type: ignore[misc]
    with pytest.raises(ImproperlyConfigured, match="neither PostAdmin has such a method nor the admin site"):
        await model_admin.get_actions(None)  # type: ignore[arg-type]
