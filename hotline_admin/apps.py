from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineAdminConfig(AppConfig):
    name = "hotline_admin"
    verbose_name = _("Settings")

    def ready(self) -> None:
        from hotline_admin.scheduler import start_if_serving

        start_if_serving()
