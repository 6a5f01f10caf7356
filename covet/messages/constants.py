"""Message levels (numbers, so a minimum level can filter them) and their default CSS tags."""

from __future__ import annotations

DEBUG = 10
INFO = 20
SUCCESS = 25
WARNING = 30
ERROR = 40

DEFAULT_TAGS: dict[int, str] = {DEBUG: "debug", INFO: "info", SUCCESS: "success", WARNING: "warning", ERROR: "error"}

# What templates get as DEFAULT_MESSAGE_LEVELS (``{% if message.level == DEFAULT_MESSAGE_LEVELS.ERROR %}``).
DEFAULT_LEVELS: dict[str, int] = {"DEBUG": DEBUG, "INFO": INFO, "SUCCESS": SUCCESS, "WARNING": WARNING, "ERROR": ERROR}
