"""Reading the tutorial's Markdown as steps, and replaying them in a project made by `covet new`.

The tutorial is the source: files are written from its code blocks, its console commands are run and
their output compared, its shell sessions are replayed in `covet shell`. Conventions the pages follow:

* a code block whose first line is a comment naming a path (``# blog/views.py``,
  ``{# templates/base.html #}``, ``/* static/site.css */``) is the whole content of that file;
* a block whose first line is ``# add to <path>`` goes at the end of that file;
* a ``python`` block without such a line quotes the project (checked verbatim, there or by the page's end);
* a ``console`` block holds ``$ command`` lines, each followed by its output;
* a ``pycon`` block is a `covet shell` session: ``>>> input`` lines, each followed by its output.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import covet
from covet.testing.live_server import live_server
from covet.testing.project_env import project_environment

REPO_ROOT = Path(covet.__file__).resolve().parent.parent
TUTORIAL = REPO_ROOT / "docs" / "tutorial"
COMMAND_TIMEOUT = 180

_FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.S | re.M)
_PATH_COMMENT = re.compile(r"^(?:#|\{#|/\*)\s*([\w./-]+\.\w+)\s*(?:#\}|\*/)?$")
_APPEND_COMMENT = re.compile(r"^# add to ([\w./-]+\.\w+)$")
# What differs from one run to the next: the random part of revision ids, timings, test durations.
_VOLATILE = [
    (re.compile(r"(?<=\d{4}_)[0-9a-f]{6}"), "<rev>"),
    (re.compile(r"\(\d+ ms\)"), "(<ms>)"),
    (re.compile(r" in [\d.]+s$", re.M), ""),
]


@dataclass
class Block:
    """One fenced code block of a tutorial page."""

    language: str
    text: str

    @property
    def path(self) -> str | None:
        """The file this block is the whole content of, when its first line names one."""
        match = _PATH_COMMENT.match(self.text.split("\n", 1)[0])
        return match.group(1) if match else None

    @property
    def appended_to(self) -> str | None:
        """The file this block goes at the end of, when its first line is ``# add to <path>``."""
        match = _APPEND_COMMENT.match(self.text.split("\n", 1)[0])
        return match.group(1) if match else None


@dataclass
class Exchange:
    """A command (or shell input) and the output the tutorial shows for it."""

    command: str
    output: list[str] = field(default_factory=list)


def blocks(page: str) -> list[Block]:
    """The fenced code blocks of ``docs/tutorial/<page>``, in order."""
    text = (TUTORIAL / page).read_text(encoding="utf-8")
    return [Block(language, body) for language, body in _FENCE.findall(text)]


def exchanges(block: Block, prompt: str) -> list[Exchange]:
    """The ``prompt``-prefixed lines of a console or pycon block, each with the lines shown after it."""
    result: list[Exchange] = []
    for line in block.text.rstrip("\n").split("\n"):
        if line.startswith(prompt):
            result.append(Exchange(line[len(prompt) :]))
        elif result:
            result[-1].output.append(line)
    return result


def normalise(text: str) -> str:
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    # Whitespace runs compare equal: the page wraps long lines for reading where the terminal did not.
    return " ".join(text.split())


@dataclass
class TutorialProject:
    """A project made by `covet new` in a temporary directory, where the tutorial's steps are replayed."""

    root: Path

    def environment(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """This checkout importable, none of the caller's settings variables, a wide terminal for tables."""
        return project_environment({"COLUMNS": "200", **(extra or {})}, python_path=[REPO_ROOT])

    def run(
        self, *args: str, stdin: str | None = None, env: Mapping[str, str] | None = None, cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run ``python ARGS`` in the project; fail with everything it printed if it exits non-zero."""
        result = subprocess.run(
            [sys.executable, *args],
            cwd=cwd or self.root,
            env=self.environment(env),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
        )
        assert result.returncode == 0, f"{' '.join(args)} -> {result.returncode}\n{result.stdout}{result.stderr}"
        return result

    def covet(self, command: str, env: Mapping[str, str] | None = None) -> str:
        """`covet COMMAND` (a command line as the tutorial writes it); what it printed."""
        result = self.run("-m", "covet", *shlex.split(command), env=env)
        return result.stdout + result.stderr

    def write(self, block: Block) -> None:
        assert block.path is not None
        target = self.root / block.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block.text, encoding="utf-8")

    def append(self, block: Block) -> None:
        assert block.appended_to is not None
        target = self.root / block.appended_to
        target.write_text(f"{target.read_text(encoding='utf-8').rstrip()}\n\n{block.text}", encoding="utf-8")

    def quotes(self, block: Block) -> bool:
        """Whether some Python file of the project contains the block verbatim."""
        return any(block.text in path.read_text(encoding="utf-8") for path in self.root.rglob("*.py"))

    @contextmanager
    def runserver(self, env: Mapping[str, str] | None = None) -> Iterator[str]:
        """`covet runserver --noreload` on a free port; its base URL, and the server stopped afterwards."""
        with live_server(self.root, env=self.environment(env)) as server:
            yield server.url
        assert "Traceback" not in server.output(), server.output()


def replay_shell(project: TutorialProject, session: list[Exchange]) -> None:
    """Feed the session's inputs to `covet shell` and compare each output with the tutorial's."""
    inputs = "".join(f"{exchange.command}\n" for exchange in session)
    result = project.run("-m", "covet", "shell", "-i", "python", stdin=inputs)
    # The prompt goes to stdout before each input is read; what an input printed follows its prompt.
    outputs = result.stdout.split(">>> ")[1:]
    for exchange, output in zip(session, outputs, strict=False):
        expected = "\n".join(exchange.output)
        if expected.startswith("Traceback"):
            assert exchange.output[-1] in result.stderr, f"{exchange.command}\n{result.stderr}"
        else:
            assert output.rstrip("\n") == expected, f">>> {exchange.command}\nshown: {expected!r}\ngot:   {output!r}"
    assert len(outputs) == len(session) + 1, result.stdout + result.stderr
