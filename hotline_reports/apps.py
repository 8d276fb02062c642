from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineReportsConfig(AppConfig):
    name = "hotline_reports"
    verbose_name = _("Reports")
