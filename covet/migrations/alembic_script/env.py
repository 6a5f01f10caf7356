"""Alembic executes this file for every command; Covet's environment logic lives in covet.migrations.environment."""

from alembic import context

from covet.migrations.environment import run_environment

run_environment(context)  # type: ignore[arg-type]  # the module proxies an EnvironmentContext
