"""Tie a ringing call to the card a consultant has just created for an unknown caller."""

from django.contrib.auth.models import AbstractBaseUser

from hotline_asterisk_connector.models import Call, CallLeg
from hotline_crm import access
from hotline_crm.models import Client


def may_attach(user: AbstractBaseUser, call: Call) -> bool:
    """The consultant who answers or was rung for the call may give it a card."""
    if call.consultant_id == user.pk:
        return True
    return CallLeg.objects.filter(call=call, consultant=user).exists()


def attach_client(user: AbstractBaseUser, call: Call, client: Client) -> bool:
    """Set the call's client if it has none yet; True when it is (now) this client."""
    if not access.may_see_client(user, client) or not may_attach(user, call):
        return False
    # Two pages may race to attach: the first card wins, the call never changes hands.
    Call.objects.filter(pk=call.pk, client__isnull=True).update(client=client)
    return Call.objects.filter(pk=call.pk, client=client).exists()
