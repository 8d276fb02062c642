from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "hotline_accounts"
    verbose_name = _("Sign-in and sessions")

    def ready(self) -> None:
        from hotline_accounts import signals  # noqa: F401
