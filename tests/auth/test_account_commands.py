"""`covet createsuperuser` and `covet changepassword` in a generated project, as real subprocesses on SQLite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import covet

REPO = Path(covet.__file__).resolve().parent.parent
STRONG = "tangerine-orbit-Vessel-91"


def covet_cli(
    *args: str, cwd: Path, input: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {
        k: v for k, v in os.environ.items() if not k.startswith("COVET_") and k not in ("DATABASE_URL", "SECRET_KEY")
    }
    base["PYTHONPATH"] = str(REPO)
    base["COLUMNS"] = "200"
    return subprocess.run(
        [sys.executable, "-m", "covet", *args], cwd=cwd, input=input, capture_output=True, text=True,
        env={**base, **(env or {})}, timeout=120, start_new_session=True,  # no controlling tty: prompts read stdin
    )  # fmt: skip


def shell(code: str, cwd: Path) -> str:
    result = covet_cli("shell", "-c", code, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("accounts")
    created = covet_cli("new", "accountsite", cwd=parent)
    assert created.returncode == 0, created.stderr
    root = parent / "accountsite"
    # covet.auth is installed in every generated project.
    migrated = covet_cli("migrate", cwd=root)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    return root


CHECK = (
    "from covet.auth.models import User\n"
    "u = await User.objects.get(username={name!r})\n"
    "print(u.is_staff, u.is_superuser, u.email, await u.check_password({password!r}))"
)


def test_createsuperuser_noinput(site: Path) -> None:
    env = {"COVET_SUPERUSER_USERNAME": "boss", "COVET_SUPERUSER_EMAIL": "boss@example.com",
           "COVET_SUPERUSER_PASSWORD": STRONG}  # fmt: skip
    result = covet_cli("createsuperuser", "--noinput", cwd=site, env=env)
    assert result.returncode == 0, result.stderr
    assert "Superuser 'boss' created" in result.stdout
    assert shell(CHECK.format(name="boss", password=STRONG), site) == "True True boss@example.com True"
    again = covet_cli("createsuperuser", "--noinput", cwd=site, env=env)
    assert again.returncode == 1 and "already taken" in again.stderr


def test_createsuperuser_noinput_refuses_missing_or_weak_passwords(site: Path) -> None:
    missing = covet_cli("createsuperuser", "--noinput", cwd=site, env={"COVET_SUPERUSER_USERNAME": "x"})
    assert missing.returncode == 1 and "COVET_SUPERUSER_PASSWORD" in missing.stderr
    weak = covet_cli("createsuperuser", "--noinput", "--username", "weakling", cwd=site,
                     env={"COVET_SUPERUSER_PASSWORD": "password1"})  # fmt: skip
    assert weak.returncode == 1 and "too common" in weak.stderr
    assert shell("from covet.auth.models import User\nprint(await User.objects.filter(username='weakling').count())",
                 site) == "0"  # fmt: skip


def test_createsuperuser_interactive_then_changepassword(site: Path) -> None:
    answers = f"helper\nhelper@example.com\n{STRONG}\nmismatch\n{STRONG}\n{STRONG}\n"
    created = covet_cli("createsuperuser", cwd=site, input=answers)
    assert created.returncode == 0, created.stderr
    assert "do not match" in created.stderr
    new_password = "Quasar-lantern-Meadow-27"
    changed = covet_cli("changepassword", "helper", cwd=site, input=f"short\nshort\n{new_password}\n{new_password}\n")
    assert changed.returncode == 0, changed.stderr
    assert "too short" in changed.stderr
    assert shell(CHECK.format(name="helper", password=new_password), site).endswith("True")
    unknown = covet_cli("changepassword", "nobody", cwd=site, input="")
    assert unknown.returncode == 1 and "no user 'nobody'" in unknown.stderr
