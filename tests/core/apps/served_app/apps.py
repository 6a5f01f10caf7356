"""AppConfig of the served test app: records that ready() ran."""

from covet.conf.apps import AppConfig

READY_CALLS: list[str] = []


class ServedAppConfig(AppConfig):
    name = "served_app"

    def ready(self) -> None:
        READY_CALLS.append(self.label)
