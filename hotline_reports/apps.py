from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineReportsConfig(AppConfig):
    name = "hotline_reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from hotline_reports.aggregates import register_sqlite_median

        connection_created.connect(register_sqlite_median, dispatch_uid="hotline_reports_median")
