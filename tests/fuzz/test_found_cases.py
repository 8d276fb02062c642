"""The server errors the sweep found, one test each (fast, and named)."""

import pytest
from django.urls import reverse

from tests.fuzz.conftest import browser_as

HUGE = "9" * 5000


def test_a_5000_digit_range_header_gets_an_answer(world):
    url = reverse("hotline_workspace:recording", args=[world.call.pk])
    browser = browser_as(world.dave)
    for value in (f"bytes={HUGE}-", f"bytes=-{HUGE}", f"bytes=0-{HUGE}"):
        assert browser.get(url, HTTP_RANGE=value).status_code in {200, 206, 416}


@pytest.mark.parametrize("parameter", ["older", "newer"])
def test_a_journal_position_with_a_5000_digit_id_is_no_position(world, parameter):
    response = browser_as(world.dave).get(
        reverse("hotline_workspace:journal"), {parameter: f"1-{HUGE}"}
    )
    assert response.status_code == 200


def test_a_5000_digit_call_for_a_new_form_is_no_call(world):
    url = reverse("hotline_crm:consultation_create", args=[world.client.pk])
    assert browser_as(world.dave).get(url, {"call": HUGE}).status_code == 200


def test_a_nul_byte_in_a_search_is_a_ukrainian_400(world):
    response = browser_as(world.dave).get(reverse("hotline_crm:workspace"), {"q": "06\x007"})
    assert response.status_code == 400
    assert "Неправильний запит" in response.content.decode()


def test_a_nul_byte_in_a_form_is_a_ukrainian_400(world):
    url = reverse("hotline_crm:client_edit", args=[world.client.pk])
    response = browser_as(world.dave).post(url, {"name": "Ма\x00рія"})
    assert response.status_code == 400


def test_a_5000_digit_login_and_password_are_refused_by_the_form(world):
    response = (
        browser_as(world.dave)
        .__class__(raise_request_exception=False)
        .post(reverse("login"), {"username": HUGE, "password": HUGE})
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode() or "form-errors" in response.content.decode()
