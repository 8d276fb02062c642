"""Calls without a consultation form: flagged in the consultant's journal, counted
per consultant for the supervisor, and a filter of their own."""

import datetime

import pytest
from django.urls import reverse

from hotline_asterisk_connector.models import CallDirection, Disposition
from hotline_crm.models import Client, Consultation
from tests.conftest import PASSWORD
from tests.workspace.conftest import KYIV, make_call

pytestmark = pytest.mark.django_db
AT = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=KYIV)


@pytest.fixture
def calls(alice, bob):
    talked = {"answered_at": AT, "ended_at": AT + datetime.timedelta(minutes=5)}
    client = Client.objects.create(name="Оксана")
    with_form = make_call("f.1", consultant=alice, client=client, **talked)
    with_form.consultation = Consultation.objects.create(
        client=client, consultant=alice, summary="—"
    )
    with_form.save()
    return {
        "with_form": with_form,
        "alice_1": make_call("n.1", consultant=alice, **talked),
        "alice_2": make_call("n.2", consultant=alice, **talked),
        "bob_1": make_call("n.3", consultant=bob, **talked),
        # Not a consultant's to fill: still talking, missed, or an outgoing call.
        "in_progress": make_call("x.1", consultant=bob, answered_at=AT),
        "missed": make_call("x.2", disposition=Disposition.ABANDONED, ended_at=AT),
        "outgoing": make_call(
            "x.3",
            consultant=alice,
            direction=CallDirection.OUTBOUND,
            disposition=Disposition.OUTBOUND_ANSWERED,
            **talked,
        ),
    }


def flagged(response) -> set[int]:
    page = response.context["page"]
    html = response.content.decode()
    return {
        call.pk
        for call in page
        if 'class="no-form"' in html.split(f'data-call-id="{call.pk}"', 1)[1].split("</tr>", 1)[0]
    }


def test_the_consultant_sees_their_calls_without_a_form_flagged(client, alice, calls):
    client.login(username=alice.username, password=PASSWORD)
    response = client.get(reverse("hotline_workspace:journal"))
    assert flagged(response) == {calls["alice_1"].pk, calls["alice_2"].pk}
    # Consultants get no per-person count: their journal is their own.
    assert response.context["missing_forms"] == []
    assert 'id="missing-forms"' not in response.content.decode()

    only = client.get(reverse("hotline_workspace:journal") + "?without_form=on")
    assert {call.pk for call in only.context["page"]} == {
        calls["alice_1"].pk,
        calls["alice_2"].pk,
    }


def test_the_supervisor_sees_how_many_each_consultant_left_without_a_form(client, carol, calls):
    client.login(username=carol.username, password=PASSWORD)
    response = client.get(reverse("hotline_workspace:journal"))
    assert response.context["missing_forms"] == [("Аліна", 2), ("Богдан", 1)]
    html = response.content.decode()
    assert "Дзвінки без форми" in html
    assert "Аліна — 2" in html and "Богдан — 1" in html
    assert flagged(response) == {calls["alice_1"].pk, calls["alice_2"].pk, calls["bob_1"].pk}
