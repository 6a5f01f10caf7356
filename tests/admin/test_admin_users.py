"""Users and groups in the admin: passwords set through two inputs (validated, hashed), never shown."""

from __future__ import annotations

from typing import Any

from admin_project import AdminProject

USERS = "/admin/auth/user/"


def auth_models() -> Any:
    """covet.auth.models, imported once the test project's settings are loaded."""
    from covet.auth import models

    return models


def user_form(**values: str) -> dict[str, str]:
    data = {
        "username": "",
        "email": "",
        "first_name": "",
        "last_name": "",
        "password1": "",
        "password2": "",
        "is_active": "on",
    }
    data.update(values)
    return data


async def test_add_a_user_with_a_validated_password(project: AdminProject) -> None:
    client = await project.client("root")
    index = await client.get("/admin/")
    assert "Authentication and authorization" in index.text and "Users" in index.text and "Groups" in index.text
    mismatch = await project.post_form(
        client,
        f"{USERS}add/",
        {**user_form(username="newbie", password1="Quiet-meadow-42-fox", password2="other"), "_save": "1"},
    )
    assert mismatch.status_code == 400 and "didn\u2019t match" in mismatch.text
    assert 'value="newbie"' in mismatch.text and "Quiet-meadow" not in mismatch.text  # passwords are not echoed
    missing = await project.post_form(client, f"{USERS}add/", {**user_form(username="newbie"), "_save": "1"})
    assert missing.status_code == 400 and "A new user needs a password." in missing.text
    weak = await project.post_form(
        client,
        f"{USERS}add/",
        {**user_form(username="newbie", password1="12345678", password2="12345678"), "_save": "1"},
    )
    assert weak.status_code == 400
    assert not await auth_models().User.objects.filter(username="newbie").exists()
    added = await project.post_form(
        client,
        f"{USERS}add/",
        {
            **user_form(
                username="newbie", password1="Quiet-meadow-42-fox", password2="Quiet-meadow-42-fox", is_staff="on"
            ),
            "_continue": "1",
        },
    )
    assert added.status_code == 303, added.text[:1500]
    user = await auth_models().User.objects.get(username="newbie")
    assert user.is_staff and await user.check_password("Quiet-meadow-42-fox")
    page = await client.get(added.headers["location"])
    assert "argon2id" in page.text and str(user.password) not in page.text


async def test_changing_a_user_keeps_the_password_unless_a_new_one_is_given(project: AdminProject) -> None:
    viewer = project.users["viewer"]
    before = str(viewer.password)
    client = await project.client("root")
    changed = await project.post_form(
        client,
        f"{USERS}{viewer.pk}/change/",
        {**user_form(username="viewer", email="new@example.com", first_name="Vera", is_staff="on"), "_save": "1"},
    )
    assert changed.status_code == 303
    again = await auth_models().User.objects.get(pk=viewer.pk)
    assert again.email == "new@example.com" and again.first_name == "Vera" and str(again.password) == before
    found = await client.get(USERS + "?q=vera")
    assert "viewer" in found.text and "root" not in found.text.split('id="result_list"')[1]


async def test_groups_page_lists_permissions_in_a_filterable_select(project: AdminProject) -> None:
    group = await auth_models().Group.objects.create(name="Editors")
    client = await project.client("root")
    page = await client.get(f"/admin/auth/group/{group.pk}/change/")
    assert page.status_code == 200
    assert 'data-filter-for="id_permissions"' in page.text and "admin_testapp.view_post" in page.text
