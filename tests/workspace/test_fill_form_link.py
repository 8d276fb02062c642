"""«Заповнити форму для цього дзвінка» on the journal and the call page: for the consultant
who answered the call, while it has no form, and the form it opens takes the call."""

import datetime

import pytest
from django.urls import reverse

from hotline_crm.models import Consultation
from tests.crm.conftest import browser_for, new_client, new_consultation
from tests.workspace.conftest import KYIV, make_call

pytestmark = pytest.mark.django_db
LABEL = "Заповнити форму для цього дзвінка"
ANSWERED = datetime.datetime(2026, 3, 2, 10, 0, 20, tzinfo=KYIV)


@pytest.fixture
def card(alice):
    return new_client(alice, "+380671234567", name="Оксана")


def test_the_consultant_who_talked_is_offered_the_form_for_the_call(alice, bob, card):
    call = make_call("f.1", consultant=alice, client=card, answered_at=ANSWERED)
    fill = f"{reverse('hotline_crm:consultation_create', args=[card.pk])}?call={call.pk}"
    alices = browser_for(alice)
    for url in (
        reverse("hotline_workspace:journal"),
        reverse("hotline_workspace:call", args=[call.pk]),
    ):
        text = alices.get(url).content.decode()
        assert f'href="{fill}">{LABEL}</a>' in text, url
    # The form it opens is the one for this call.
    form_page = alices.get(fill)
    assert form_page.status_code == 200
    assert form_page.context["call"] == call
    # Bob did not talk on it: nothing to fill for him.
    assert LABEL not in browser_for(bob).get(reverse("hotline_workspace:journal")).content.decode()


def test_no_form_is_offered_for_a_documented_unanswered_or_cardless_call(alice, card):
    documented = make_call("f.2", consultant=alice, client=card, answered_at=ANSWERED)
    documented.consultation = new_consultation(alice, card)
    documented.save()
    make_call("f.3", consultant=alice, client=card, answered_at=None, disposition="abandoned")
    make_call("f.4", consultant=alice, answered_at=ANSWERED)  # no card yet: the desk's pop
    text = browser_for(alice).get(reverse("hotline_workspace:journal")).content.decode()
    assert LABEL not in text
    page = browser_for(alice).get(reverse("hotline_workspace:call", args=[documented.pk]))
    form = Consultation.objects.get()
    link = reverse("hotline_crm:consultation_detail", args=[form.pk])
    assert f'class="open-form" href="{link}"' in page.content.decode()
    assert f'href="{reverse("hotline_crm:client_detail", args=[card.pk])}"' in page.content.decode()
