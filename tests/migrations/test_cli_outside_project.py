"""Every database command run outside a project stops with covet's "no project here" error (exit status 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from covet.cli import call_command
from covet.cli.errors import ProjectNotFound

COMMANDS = [
    ("makemigrations",),
    ("migrate",),
    ("showmigrations",),
    ("sqlmigrate", "blog", "0001"),
    ("dbshell",),
    ("dumpdata",),
    ("loaddata", "data.json"),
]


@pytest.mark.parametrize("argv", COMMANDS, ids=[argv[0] for argv in COMMANDS])
def test_commands_need_a_project(argv: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COVET_SETTINGS_MODULE", raising=False)
    with pytest.raises(ProjectNotFound) as caught:
        call_command(*argv)
    assert caught.value.exit_code == 2
    assert "No Covet project found" in str(caught.value.message)
    assert not list(tmp_path.iterdir())  # nothing was created
