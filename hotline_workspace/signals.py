"""Put every missed inbound call on the worklist as soon as the connector closes it."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from hotline_asterisk_connector.models.calls import Call
from hotline_workspace import worklist


@receiver(post_save, sender=Call, dispatch_uid="hotline_workspace.missed_call")
def call_saved(sender: type[Call], instance: Call, raw: bool = False, **kwargs) -> None:
    # Rows loaded from a backup (raw) bring their own worklist rows with them.
    if raw:
        return
    worklist.note_missed_call(instance)
