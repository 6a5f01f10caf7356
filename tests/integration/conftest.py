"""Generated projects for the full-stack tests: `covet new`, `covet migrate`, `covet createsuperuser --noinput`,
then `covet runserver --noreload` as a real child process on a free port, talked to over real HTTP."""

from __future__ import annotations

import uuid

import pytest
from generated_site import SUPERUSER, GeneratedSite


@pytest.fixture(scope="module")
def generated_site(tmp_path_factory: pytest.TempPathFactory) -> GeneratedSite:
    """A new project (unique name: it is also the Redis key prefix), migrated, with a superuser."""
    parent = tmp_path_factory.mktemp("integration")
    name = f"site_{uuid.uuid4().hex[:10]}"
    site = GeneratedSite(name, parent / name)
    site.covet("new", name, cwd=parent)
    migrated = site.covet("migrate")
    assert "Applied auth" in migrated, migrated
    created = site.covet(
        "createsuperuser",
        "--noinput",
        env={
            "COVET_SUPERUSER_USERNAME": SUPERUSER["username"],
            "COVET_SUPERUSER_EMAIL": SUPERUSER["email"],
            "COVET_SUPERUSER_PASSWORD": SUPERUSER["password"],
        },
    )
    assert SUPERUSER["username"] in created, created
    return site
