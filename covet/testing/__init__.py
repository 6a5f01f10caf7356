"""Test helpers shipped with Covet: ``TestClient``, ``AsyncTestClient`` and a pytest plugin.

The plugin (``covet.testing.plugin``, registered as a pytest11 entry point) provides the ``client``,
``async_client`` and ``settings`` fixtures.
"""

from covet.testing.client import AsyncTestClient, TestClient
from covet.testing.lifespan import LifespanError

__all__ = ["AsyncTestClient", "LifespanError", "TestClient"]
