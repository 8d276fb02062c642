from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineAsteriskConnectorConfig(AppConfig):
    name = "hotline_asterisk_connector"
    verbose_name = _("Telephony")

    def ready(self) -> None:
        from hotline_asterisk_connector.crm_journal import ConnectorCallJournal
        from hotline_asterisk_connector.embedded import start_if_serving
        from hotline_crm import calls

        calls.register(ConnectorCallJournal())
        start_if_serving()
