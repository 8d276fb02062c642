"""Cards and forms the CRM tests share: one client Alice serves, with her form on it."""

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser
from django.urls import reverse

from hotline_crm import services
from hotline_crm.models import (
    AgeStatus,
    Client,
    ClientPhone,
    Consultation,
    Gender,
    Oblast,
    Outcome,
    SettlementType,
    Topic,
)

ALICES_NUMBER = "+380671234567"
SECRET_SUMMARY = "Партнер погрожує; планує піти до сестри в четвер."


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2's deliberate slowness costs ~0.2 s per persona and proves nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def browser_for(user: User | None) -> Browser:
    browser = Browser()
    if user is not None:
        browser.force_login(user)
    return browser


def break_glass(browser: Browser, number: str, explanation: str = "Клієнтка на лінії, плаче"):
    """Open a card one does not serve, as a consultant does: number, reason, text."""
    return browser.post(
        reverse("hotline_crm:break_glass"),
        {"number": number, "reason": "caller_on_line", "explanation": explanation},
    )


def topic(code: str) -> Topic:
    return Topic.objects.get(code=code)


def new_client(by: User, number: str, **card) -> Client:
    return services.create_client(
        by=by, client=Client(**card), phones=[ClientPhone(number=number, raw=number)]
    )


def new_consultation(by: User, client: Client, *codes: str, **fields) -> Consultation:
    return services.record_consultation(
        by=by,
        client=client,
        consultation=Consultation(outcome=fields.pop("outcome", Outcome.INFORMED), **fields),
        topics=[topic(code) for code in codes or ("contraception-choice",)],
    )


@pytest.fixture
def alices_client(alice) -> Client:
    """A card Alice created, in Dnipro: 24, female."""
    return new_client(
        alice,
        ALICES_NUMBER,
        name="Марія Петренко",
        age=24,
        age_status=AgeStatus.KNOWN,
        gender=Gender.FEMALE,
        oblast=Oblast.DNIPROPETROVSK,
        settlement_type=SettlementType.CITY,
    )


@pytest.fixture
def alices_form(alice, alices_client) -> Consultation:
    return new_consultation(
        alice,
        alices_client,
        "gbv-psychological-abuse",
        gbv_context="intimate_partner",
        summary=SECRET_SUMMARY,
    )
