"""Server bugs the suite has found and that are not fixed yet, as xfail markers applied to the affected kinds only.

A test that meets one calls ``expect_bug(request, server, BUG)``: it still runs,
so a fix shows up as XPASS (and for strict bugs fails the run until the marker
goes). Delete an entry once its fix is in.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from conformance_servers import RunningServer


@dataclass(frozen=True)
class KnownBug:
    description: str
    kinds: tuple[str, ...]
    # False when the bug depends on timing (how the bytes arrive), so the test may pass anyway.
    strict: bool = True


# None known at the moment: add a KnownBug here when the suite finds one.


def expect_bug(request: pytest.FixtureRequest, server: RunningServer, bug: KnownBug) -> None:
    """Mark the running test as an expected failure when ``server`` is of a kind ``bug`` affects."""
    if server.kind in bug.kinds:
        request.applymarker(pytest.mark.xfail(reason=bug.description, strict=bug.strict))
