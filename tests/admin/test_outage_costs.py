"""The power-cut plan's calculator: totals per option from the prices typed in."""

import re
from decimal import Decimal

import pytest
from django.test import Client as Browser
from django.urls import reverse

from hotline_admin import outage_costs

PRICES = {
    "consultants": 4,
    "months": 2,
    "minutes_per_month": 1000,
    "smartphone": Decimal("6000"),
    "smartphones_to_buy": 4,
    "sim_card": Decimal("50"),
    "data_package_per_month": Decimal("400"),
    "minute_to_mobile": Decimal("2"),
    "voice_package_per_month": Decimal("0"),
    "power_station": Decimal("8000"),
}


def test_totals_per_option_worked_out_by_hand():
    plan = outage_costs.plan(outage_costs.Prices(**PRICES))
    assert plan.totals() == {
        # 4 × 6000 + 4 × 50 once, then 4 × 400 a month for 2 months.
        "sip_app": Decimal("27400.00"),
        # 1000 minutes × 2 UAH a month for 2 months.
        "mobile_numbers": Decimal("4000.00"),
        # 4 × 8000 once.
        "power_station": Decimal("32000.00"),
    }
    # 250 minutes each: 250 × 735 558 B + 30 days × 100 000 B of keep-alives.
    assert plan.opus_mb_per_consultant_month == Decimal("186.9")
    # 250 × 1 196 966 B + 3 000 000 B.
    assert plan.g711_mb_per_consultant_month == Decimal("302.2")


def test_phones_already_owned_cost_only_their_sims_and_packages():
    plan = outage_costs.plan(outage_costs.Prices(**{**PRICES, "smartphones_to_buy": 0}))
    assert plan.totals()["sip_app"] == Decimal("3400.00")


@pytest.fixture
def admin_browser(dave) -> Browser:
    browser = Browser()
    browser.force_login(dave)
    return browser


def test_the_page_shows_the_totals_in_ukrainian(admin_browser):
    query = {name: str(value) for name, value in PRICES.items()}
    page = admin_browser.get(reverse("hotline_admin:outage_costs"), query).content.decode()
    totals = dict(re.findall(r'data-option="(\w+)".*?class="number total">([^<]+)<', page, re.S))
    assert totals == {
        "sip_app": "27400,00",
        "mobile_numbers": "4000,00",
        "power_station": "32000,00",
    }
    assert "Підсумки за 2 місяці" in page


def test_a_negative_price_is_refused_with_a_message(admin_browser):
    query = {**{name: str(value) for name, value in PRICES.items()}, "sim_card": "-5"}
    page = admin_browser.get(reverse("hotline_admin:outage_costs"), query).content.decode()
    assert "data-option" not in page
    assert "більше чи дорівнює 0" in page


def test_consultants_may_not_open_it(client, alice):
    client.force_login(alice)
    assert client.get(reverse("hotline_admin:outage_costs")).status_code == 403
