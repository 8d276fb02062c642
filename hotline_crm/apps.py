from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineCrmConfig(AppConfig):
    name = "hotline_crm"
    verbose_name = _("Clients and consultations")
