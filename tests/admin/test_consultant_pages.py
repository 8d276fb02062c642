import datetime
import hashlib
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from hotline_admin.models import AppliedChange, ProvisioningLink
from hotline_asterisk_connector.models import ConsultantLine
from hotline_crm.models import Client, Consultation
from hotline_crm.roles import is_consultant, is_supervisor
from tests.conftest import PASSWORD

NEW_CONSULTANT = {
    "username": "olena",
    "first_name": "Олена",
    "last_name": "Коваль",
    "email": "",
    "role": "consultant",
    "in_queue": "on",
    "penalty": "0",
    "mobile_number": "067 123 45 67",
    "forward_to_mobile": "on",
}


@pytest.fixture
def admin_browser(dave) -> Browser:
    browser = Browser()
    browser.force_login(dave)
    return browser


def create(browser: Browser, **changes) -> tuple:
    response = browser.post(reverse("hotline_admin:consultant_new"), {**NEW_CONSULTANT, **changes})
    return response, User.objects.filter(username=changes.get("username", "olena")).first()


def test_one_form_makes_the_account_the_role_and_both_devices(admin_browser):
    response, user = create(admin_browser)

    assert user is not None
    assert user.first_name == "Олена"
    assert is_consultant(user)
    line = ConsultantLine.objects.get(user=user)
    assert line.extension == "1001"
    assert line.in_queue
    assert line.mobile_number == "+380671234567"
    assert line.forward_to_mobile
    assert len(line.sip_password) == 20
    assert len(line.webrtc_password) == 20
    assert line.sip_password != line.webrtc_password
    assert response.status_code == 302
    assert response.url == reverse("hotline_admin:consultant_credentials", args=[line.pk])
    # Saving tried to apply the change to Asterisk and recorded the answer.
    assert AppliedChange.objects.filter(what__contains="olena").exists()


def test_the_credentials_page_shows_the_passwords_once(admin_browser):
    response, user = create(admin_browser)
    line = user.line

    page = admin_browser.get(response.url)

    assert page.status_code == 200
    text = page.content.decode()
    assert line.sip_password in text
    assert "sip1001" in text
    assert "<svg" in text
    login_password = re.search(r"Пароль: (\w+)", text).group(1)
    assert Browser().login(username="olena", password=login_password)
    assert page["Cache-Control"] == "no-store"

    again = admin_browser.get(response.url)
    assert again.status_code == 410
    assert line.sip_password not in again.content.decode()


def test_the_smartphone_fetches_its_account_once_by_the_qr_link(admin_browser):
    response, user = create(admin_browser)
    text = admin_browser.get(response.url).content.decode()
    link = re.search(r"http://testserver(/settings/provisioning/[\w-]+/)", text).group(1)

    phone = Browser()  # the smartphone has no session
    first = phone.get(link)
    second = phone.get(link)

    assert first.status_code == 200
    assert first["Content-Type"].startswith("application/xml")
    body = first.content.decode()
    assert f'<entry name="passwd" overwrite="true">{user.line.sip_password}</entry>' in body
    assert '<entry name="username" overwrite="true">sip1001</entry>' in body
    assert second.status_code == 404


def test_extensions_are_handed_out_in_turn(admin_browser):
    create(admin_browser)
    _response, second = create(
        admin_browser, username="petro", mobile_number="", forward_to_mobile=""
    )
    assert second.line.extension == "1002"


def test_a_taken_login_is_refused_in_ukrainian(admin_browser, alice):
    response, _user = create(admin_browser, username="ALICE")
    assert response.status_code == 200
    assert "Цей логін уже зайнятий" in response.content.decode()
    assert User.objects.filter(username__iexact="alice").count() == 1


def test_a_wrong_mobile_number_is_refused_in_ukrainian(admin_browser):
    response, user = create(admin_browser, mobile_number="067 12")
    assert user is None
    assert "Це не номер телефону" in response.content.decode()


def test_forwarding_needs_a_mobile_number(admin_browser):
    response, user = create(admin_browser, mobile_number="")
    assert user is None
    assert "Вкажіть номер" in response.content.decode()


def test_changing_role_and_queue_membership(admin_browser):
    _response, user = create(admin_browser)
    form = {**NEW_CONSULTANT, "role": "supervisor", "penalty": "3"}
    del form["in_queue"]
    admin_browser.post(reverse("hotline_admin:consultant_edit", args=[user.line.pk]), form)
    user.refresh_from_db()
    line = ConsultantLine.objects.get(user=user)
    assert is_supervisor(user)
    assert not is_consultant(user)
    assert not line.in_queue
    assert line.penalty == 3


def test_deactivated_consultant_keeps_their_forms_and_cannot_sign_in(admin_browser, alice):
    line = ConsultantLine.objects.create(
        user=alice, extension="1001", webrtc_password="w" * 20, sip_password="s" * 20
    )
    client = Client.objects.create(name="Клієнтка")
    Consultation.objects.create(client=client, consultant=alice)

    admin_browser.post(reverse("hotline_admin:consultant_deactivate", args=[line.pk]))

    alice.refresh_from_db()
    line.refresh_from_db()
    assert not alice.is_active
    assert not line.is_active
    assert Consultation.objects.filter(consultant=alice).count() == 1
    assert not Browser().login(username="alice", password=PASSWORD)

    admin_browser.post(reverse("hotline_admin:consultant_reactivate", args=[line.pk]))
    alice.refresh_from_db()
    assert alice.is_active
    assert Browser().login(username="alice", password=PASSWORD)


def test_the_administrator_cannot_deactivate_themself(admin_browser, dave):
    line = ConsultantLine.objects.create(
        user=dave, extension="1009", webrtc_password="w" * 20, sip_password="s" * 20
    )
    admin_browser.post(reverse("hotline_admin:consultant_deactivate", args=[line.pk]))
    dave.refresh_from_db()
    assert dave.is_active


def test_new_phone_passwords_replace_the_old_ones(admin_browser):
    _response, user = create(admin_browser)
    old_sip, old_web = user.line.sip_password, user.line.webrtc_password
    response = admin_browser.post(
        reverse("hotline_admin:consultant_reset_phones", args=[user.line.pk])
    )
    line = ConsultantLine.objects.get(user=user)
    assert line.sip_password != old_sip
    assert line.webrtc_password != old_web
    assert line.sip_password in admin_browser.get(response.url).content.decode()


@pytest.mark.parametrize("persona", ["alice", "carol"])
def test_only_the_administrator_may_open_consultant_pages(persona, request, dave):
    user = request.getfixturevalue(persona)
    line = ConsultantLine.objects.create(
        user=dave, extension="1009", webrtc_password="w" * 20, sip_password="s" * 20
    )
    browser = Browser()
    browser.force_login(user)
    for url in (
        reverse("hotline_admin:consultants"),
        reverse("hotline_admin:consultant_new"),
        reverse("hotline_admin:consultant_edit", args=[line.pk]),
        reverse("hotline_admin:consultant_credentials", args=[line.pk]),
    ):
        assert browser.get(url).status_code == 403, url
    assert browser.post(reverse("hotline_admin:consultant_new"), NEW_CONSULTANT).status_code == 403
    assert not User.objects.filter(username="olena").exists()


def provisioning_link(admin_browser) -> tuple[str, User]:
    response, user = create(admin_browser)
    text = admin_browser.get(response.url).content.decode()
    return re.search(r"http://testserver(/settings/provisioning/[\w-]+/)", text).group(1), user


def test_a_provisioning_link_expires_after_a_day(admin_browser):
    link, _user = provisioning_link(admin_browser)
    ProvisioningLink.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert Browser().get(link).status_code == 404


def test_a_provisioning_link_dies_with_new_passwords_or_deactivation(admin_browser):
    link, user = provisioning_link(admin_browser)
    admin_browser.post(reverse("hotline_admin:consultant_reset_phones", args=[user.line.pk]))
    assert Browser().get(link).status_code == 404

    second_link = re.search(
        r"http://testserver(/settings/provisioning/[\w-]+/)",
        admin_browser.get(
            admin_browser.post(
                reverse("hotline_admin:consultant_reset_phones", args=[user.line.pk])
            ).url
        ).content.decode(),
    ).group(1)
    admin_browser.post(reverse("hotline_admin:consultant_deactivate", args=[user.line.pk]))
    assert Browser().get(second_link).status_code == 404


def test_only_a_hash_of_the_provisioning_token_is_stored(admin_browser):
    link, _user = provisioning_link(admin_browser)
    token = link.rstrip("/").rsplit("/", 1)[1]
    stored = ProvisioningLink.objects.get()
    assert token not in stored.token_hash
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
