"""Part 1 of the tutorial against a project `covet new` makes now: the output it shows for `covet new` and
`covet migrate`, and the file tree it describes (every generated file listed, every listed file there)."""

from __future__ import annotations

import re

import pytest
from tutorial_steps import TutorialProject, blocks, exchanges, normalise

pytestmark = pytest.mark.timeout(300)

# Files the tree leaves out on purpose: package markers and placeholders.
_UNLISTED = {"__init__.py", ".gitkeep"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[TutorialProject, str]:
    parent = tmp_path_factory.mktemp("part1")
    project = TutorialProject(parent / "mysite")
    printed = project.run("-m", "covet", "new", "mysite", cwd=parent)
    return project, printed.stdout + printed.stderr


def shown(command: str) -> str:
    for block in blocks("part1.md"):
        for exchange in exchanges(block, "$ ") if block.language == "console" else []:
            if exchange.command == command:
                return "\n".join(exchange.output)
    raise AssertionError(f"part1.md does not show `{command}`")


def test_covet_new_and_migrate_print_what_the_page_shows(site: tuple[TutorialProject, str]) -> None:
    project, printed = site
    expected = shown("covet new mysite").replace("/home/me/mysite", str(project.root))
    assert normalise(printed) == normalise(expected)
    assert normalise(project.covet("migrate")) == normalise(shown("covet migrate"))


def listed_paths() -> list[str]:
    """The paths of part 1's file tree, rebuilt from its indentation (``mysite/`` is the project root)."""
    tree = next(block.text for block in blocks("part1.md") if block.text.startswith("mysite/\n"))
    parents: list[str] = []
    paths = []
    for line in tree.rstrip("\n").split("\n")[1:]:
        depth = (len(line) - len(line.lstrip(" "))) // 2 - 1
        name = re.split(r"\s{2,}", line.strip())[0]
        parents[depth:] = [name.rstrip("/")]
        paths.append("/".join(parents) + ("/" if name.endswith("/") else ""))
    return paths


def test_the_file_tree_lists_what_covet_new_writes(site: tuple[TutorialProject, str]) -> None:
    project, _ = site
    listed = listed_paths()
    for path in listed:
        assert (project.root / path).exists(), f"part1.md lists {path}, which `covet new` does not write"
    folders = tuple(path for path in listed if path.endswith("/"))
    generated = [
        path.relative_to(project.root).as_posix()
        for path in sorted(project.root.rglob("*"))
        if path.is_file()
        and path.name not in _UNLISTED
        and "__pycache__" not in path.parts
        and path.name != "db.sqlite3"
    ]
    unlisted = [path for path in generated if path not in listed and not path.startswith(folders)]
    assert unlisted == [], f"`covet new` writes files part1.md's tree leaves out: {unlisted}"
