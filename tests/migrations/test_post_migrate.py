"""`covet migrate` runs the post-migrate callbacks: the auth app creates every model's default permissions."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _covet(cwd: Path, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    env.pop("COVET_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-m", "covet", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_migrate_creates_the_default_permissions_once(tmp_path: Path) -> None:
    _covet(tmp_path, "new", "permsite")
    project = tmp_path / "permsite"
    _covet(project, "migrate")
    count = "from covet.auth.models import Permission; print(await Permission.objects.count())"
    codenames = (
        "from covet.auth.models import Permission\n"
        "print(sorted(await Permission.objects.filter(app_label='blog').values_list('codename', flat=True)))"
    )
    first = int(_covet(project, "shell", "-c", count).strip().splitlines()[-1])
    assert _covet(project, "shell", "-c", codenames).strip().splitlines()[-1] == (
        "['add_post', 'change_post', 'delete_post', 'view_post']"
    )
    _covet(project, "migrate")  # nothing to apply: the callbacks run again and add nothing
    assert int(_covet(project, "shell", "-c", count).strip().splitlines()[-1]) == first
