"""Fresh request ids: 32 hex digits, unique within a process, and a forked worker does not repeat its parent's."""

from __future__ import annotations

import os
import re

import pytest

from covet.core.request_id import new_request_id


def test_fresh_ids_are_32_hex_digits_and_unique() -> None:
    ids = [new_request_id() for _ in range(10_000)]
    assert all(re.fullmatch(r"[0-9a-f]{32}", request_id) for request_id in ids)
    assert len(set(ids)) == len(ids)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is not available on this platform")
def test_forked_child_draws_its_own_prefix() -> None:
    parent_id = new_request_id()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its next id and leave without running pytest's teardown
        os.close(read_end)
        os.write(write_end, new_request_id().encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        child_id = pipe.read().decode()
    os.waitpid(pid, 0)
    assert re.fullmatch(r"[0-9a-f]{32}", child_id)
    assert child_id[:16] != parent_id[:16]  # a new random prefix, so the counters cannot collide
