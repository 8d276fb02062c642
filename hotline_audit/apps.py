from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineAuditConfig(AppConfig):
    name = "hotline_audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from hotline_audit import signals  # noqa: F401
