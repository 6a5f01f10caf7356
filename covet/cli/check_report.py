"""How the problems found by the system checks are shown on a console (``covet check``, ``covet runserver``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from covet.conf.checks import CheckMessage


def print_check_messages(console: Console, problems: Iterable[CheckMessage], *, hints: bool = True) -> None:
    """One line per problem (level, id, message), then its hint when ``hints`` is on.

    Messages quote setting values (lists, paths) verbatim, so they are escaped: a ``[`` in them is text, not markup.
    """
    from rich.markup import escape

    for problem in problems:
        style = "bold red" if problem.is_error else "bold yellow"
        console.print(f"[{style}]{problem.level.name}[/] [dim]{escape(problem.id)}[/] {escape(problem.message)}")
        if hints and problem.hint:
            console.print(f"    [dim]HINT:[/] {escape(problem.hint)}")
