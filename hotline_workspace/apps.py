from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "hotline_workspace"
    verbose_name = _("Consultant workspace")

    def ready(self) -> None:
        from hotline_asterisk_connector.publish import subscribe
        from hotline_workspace import queue_waiting, screenpop, worklist

        subscribe(screenpop.on_event)
        subscribe(queue_waiting.on_event)
        subscribe(worklist.on_event)
