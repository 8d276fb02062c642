"""Asking about one card gives the same answer as the list of cards a consultant serves.

`access.serves` asks each reason of one card's own rows (fast at a million
calls); `served_clients_for` is the list. For every way of serving a card,
and for a card served in none of them, the two must agree.
"""

import pytest

from hotline_asterisk_connector.models import Call, CallLeg
from hotline_crm import access
from hotline_crm.models import AccessReason, ClientAccess
from tests.crm.conftest import new_client, new_consultation

pytestmark = pytest.mark.django_db


def _serve_by_form(bob, card):
    new_consultation(bob, card)


def _serve_by_answering(bob, card):
    Call.objects.create(linkedid="1.1", client=card, consultant=bob)


def _serve_by_ringing(bob, card):
    call = Call.objects.create(linkedid="1.1", client=card)
    CallLeg.objects.create(call=call, uniqueid="1.2", consultant=bob)


def _serve_by_callback(bob, card):
    ClientAccess.objects.create(user=bob, client=card, reason=AccessReason.CALLBACK)


def _not_served(bob, card):
    # Another consultant's call and leg on the card, and Bob rung for another card's call.
    call = Call.objects.create(linkedid="1.1", client=card)
    CallLeg.objects.create(call=call, uniqueid="1.2")
    other = Call.objects.create(linkedid="2.1", client=None)
    CallLeg.objects.create(call=other, uniqueid="2.2", consultant=bob)


@pytest.mark.parametrize(
    "serve, served",
    [
        (_serve_by_form, True),
        (_serve_by_answering, True),
        (_serve_by_ringing, True),
        (_serve_by_callback, True),
        (_not_served, False),
    ],
)
def test_one_card_answer_matches_the_list(alice, bob, carol, serve, served):
    card = new_client(alice, "+380671112233")
    serve(bob, card)
    assert access.serves(bob, card.pk) is served
    assert access.served_clients_for(bob).filter(pk=card.pk).exists() is served
    assert access.serves(alice, card.pk), "Alice created the card"
    assert access.serves(carol, card.pk), "a supervisor serves every card"
