"""The environment for a child process that runs a project from a test: ``covet`` commands, a server, pytest.

The test process may carry settings of its own (``COVET_SETTINGS_MODULE``, ``DATABASE_URL``, ``REDIS_URL``...)
and pytest's variables (``PYTEST_CURRENT_TEST``, ``PYTEST_ADDOPTS``...). A child given them would load the
test run's settings instead of the project's, or behave as if it were inside pytest; this leaves them out.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from covet.conf.discovery import SETTINGS_ENV_VAR
from covet.conf.environ import ENV_OVERRIDES


def project_environment(
    extra: Mapping[str, str] | None = None, *, python_path: Sequence[str | Path] = ()
) -> dict[str, str]:
    """This process's environment without Covet's settings variables and pytest's ``PYTEST_*`` ones.

    ``python_path`` entries go first on ``PYTHONPATH`` (say, a source checkout of Covet); ``extra`` is applied last,
    so it can set any variable, settings ones included (``{"DEBUG": "false"}``).
    """
    dropped = {SETTINGS_ENV_VAR, *ENV_OVERRIDES}
    env = {key: value for key, value in os.environ.items() if key not in dropped and not key.startswith("PYTEST_")}
    if python_path:
        env["PYTHONPATH"] = os.pathsep.join([*map(str, python_path), *filter(None, [env.get("PYTHONPATH")])])
    return {**env, **(extra or {})}
