"""The admin test project: settings, migrations, users, and signed-in clients (shared by the admin tests).

A module with a unique name, not ``conftest``, so that the suites of several directories run together.
"""

from __future__ import annotations

import re
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import covet
from covet.testing import AsyncTestClient
from covet.testing.isolation import isolated_globals

PASSWORD = "orbit-Lantern-73-quill"
SETTINGS: dict[str, Any] = {
    "SECRET_KEY": "admin-tests-" + "k" * 40,
    "DEBUG": False,
    "ALLOWED_HOSTS": ["testserver", "127.0.0.1"],
    "INSTALLED_APPS": ["covet.auth", "covet.admin", "admin_testapp"],
    "MIDDLEWARE": [
        "covet.auth.sessions.SessionMiddleware",
        "covet.middleware.csrf.CsrfMiddleware",
        "covet.auth.middleware.AuthenticationMiddleware",
    ],
    "ROOT_URLCONF": "admin_urls",
    "SESSION_ENGINE": "db",
    "CACHES": {"default": {"BACKEND": "locmem", "LOCATION": "admin-tests"}},
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 1024,
    "ARGON2_PARALLELISM": 1,
    "AUTHENTICATION_BACKENDS": ["covet.auth.backends.ModelBackend"],
    "RATELIMIT_ENABLED": False,
    "TEMPLATES": [{"DIRS": [], "APP_DIRS": True, "OPTIONS": {"bytecode_cache": False}}],
}


async def migrate_database(url: str) -> None:
    """Apply the auth and admin migrations, then create the test app's tables."""
    import covet.admin
    import covet.auth
    from covet.migrations import MigrationApp, MigrationProject, migrate
    from covet.orm import get_engine
    from covet.orm.registry import metadata

    owners = {
        table.name: table.name.split("_", 1)[0]
        for table in metadata.sorted_tables
        if table.name.startswith(("auth_", "admin_logentry"))
    }
    project = MigrationProject(
        apps=[
            MigrationApp.for_package_dir("auth", Path(covet.auth.__file__).parent),
            MigrationApp.for_package_dir("admin", Path(covet.admin.__file__).parent),
        ],
        metadata=metadata,
        engine=get_engine("default"),
        table_owners=owners,
    )
    await migrate(project)
    tables = [table for table in metadata.sorted_tables if table.name.startswith("admin_testapp_")]
    async with get_engine("default").begin() as conn:
        await conn.run_sync(lambda sync: metadata.create_all(sync, tables=tables))


def form_data(**values: str) -> dict[str, str]:
    """A complete post form: the fields, the inline's management data, and the status."""
    data = {
        "title": "",
        "slug": "",
        "body": "",
        "author": "",
        "category": "",
        "status": "draft",
        "rating": "0",
        "comments-TOTAL_FORMS": "2",
        "comments-INITIAL_FORMS": "0",
    }
    data.update(values)
    return data


async def grant(user: Any, *codenames: str) -> None:
    """Give ``user`` the test app's permissions ``codenames`` (``"add_tag"``, ...), creating them when missing."""
    from covet.auth.models import Permission

    for codename in codenames:
        perm = await Permission.objects.filter(app_label="admin_testapp", codename=codename).first()
        if perm is None:
            perm = await Permission.objects.create(app_label="admin_testapp", codename=codename, name=codename)
        await user.user_permissions.add(perm)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match is not None, f"no CSRF input in the page: {html[:400]}"
    return match.group(1)


@dataclass
class AdminProject:
    """The loaded project: its app, models and a way to get signed-in clients."""

    app: Any
    models: Any
    users: dict[str, Any]
    clients: list[AsyncTestClient]

    async def client(self, username: str | None = None) -> AsyncTestClient:
        """A client, signed in through the admin login form when ``username`` is given."""
        client = AsyncTestClient(self.app, base_url="http://testserver", follow_redirects=False)
        await client.__aenter__()
        self.clients.append(client)
        if username is not None:
            page = await client.get("/admin/login/")
            response = await client.post(
                "/admin/login/",
                data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(page.text), "next": ""},
            )
            assert response.status_code == 303, response.text[:500]
        return client

    async def post_form(
        self, client: AsyncTestClient, url: str, data: dict[str, Any], page_url: str | None = None
    ) -> Any:
        """Load the page (for its CSRF token), then post ``data`` to ``url``."""
        page = await client.get(page_url or url)
        return await client.post(url, data={**data, "csrf_token": csrf_of(page.text)})


async def _make_users(models: Any) -> dict[str, Any]:
    from covet.auth.models import Permission, User

    users = {
        "root": await User.objects.create_superuser("root", "root@example.com", PASSWORD),
        "viewer": await User.objects.create_user("viewer", "viewer@example.com", PASSWORD, is_staff=True),
        "visitor": await User.objects.create_user("visitor", "visitor@example.com", PASSWORD),
    }
    view_post = await Permission.objects.create(app_label="admin_testapp", codename="view_post", name="Can view post")
    await users["viewer"].user_permissions.add(view_post)
    return users


def _loaded(url: str) -> Any:
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def context() -> AsyncIterator[AdminProject]:
        from covet import admin
        from covet.orm import close_all

        with isolated_globals():
            from covet.conf import settings

            settings.configure(**SETTINGS, DATABASES={"default": {"URL": url}})
            admin.site._registry.clear()
            sys.modules.pop("covet.auth.admin", None)  # autodiscovery registers users and groups again
            app = covet.get_asgi_application()
            import admin_testapp.models as models

            await close_all()
            await migrate_database(url)
            loaded = AdminProject(app=app, models=models, users=await _make_users(models), clients=[])
            try:
                yield loaded
            finally:
                for client in loaded.clients:
                    await client.__aexit__(None, None, None)
                await close_all()
                admin.site._registry.clear()

    return context()
