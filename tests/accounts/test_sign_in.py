"""Signing in through the pages: password, then the second factor where the
role needs it; the second factor's enrolment and recovery codes."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client as Browser
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD, current_code


def sign_in_with_password(browser: Browser, user, next_url: str = "/") -> object:
    return browser.post(
        f"{reverse('login')}?next={next_url}", {"username": user.username, "password": PASSWORD}
    )


def signed_in(browser: Browser) -> bool:
    return SESSION_KEY in browser.session


def code_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    return f"{totp.token():0{device.digits}d}"


@pytest.mark.parametrize("persona", ["carol", "dave"])
def test_a_password_alone_does_not_sign_a_supervisor_or_administrator_in(request, persona):
    user = request.getfixturevalue(persona)
    browser = Browser()
    response = sign_in_with_password(browser, user)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:code")
    assert not signed_in(browser)
    assert browser.get(reverse("hotline_crm:workspace"))["Location"].startswith(reverse("login"))


def test_the_code_from_the_phone_completes_the_sign_in(carol):
    browser = Browser()
    sign_in_with_password(browser, carol, "/reports/")
    response = browser.post(reverse("accounts:code"), {"code": current_code(carol)})
    assert response.status_code == 302
    assert response["Location"] == "/reports/"
    assert signed_in(browser)
    assert browser.get(reverse("hotline_crm:workspace")).status_code == 200


def test_a_wrong_code_is_refused_in_ukrainian(carol):
    browser = Browser()
    sign_in_with_password(browser, carol)
    good = current_code(carol)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    page = browser.post(reverse("accounts:code"), {"code": wrong})
    assert page.status_code == 200
    assert "Код неправильний або застарів" in page.content.decode()
    assert not signed_in(browser)


def test_the_code_step_alone_opens_nothing(carol):
    """Without the password step first there is nobody to check the code for."""
    browser = Browser()
    response = browser.post(reverse("accounts:code"), {"code": current_code(carol)})
    assert response["Location"] == reverse("login")
    assert not signed_in(browser)


def test_a_supervisor_without_a_phone_enrols_by_qr_and_gets_recovery_codes(carol):
    TOTPDevice.objects.filter(user=carol).delete()
    browser = Browser()
    assert sign_in_with_password(browser, carol)["Location"] == reverse("accounts:enrol")
    page = browser.get(reverse("accounts:enrol")).content.decode()
    assert "<svg" in page
    assert "Налаштуйте другий фактор" in page
    device = TOTPDevice.objects.get(user=carol, confirmed=False)
    # The key shown for typing by hand is the device's own.
    shown_key = re.search(r'<code class="enrol-key">([A-Z2-7 ]+)</code>', page).group(1)
    from base64 import b32encode

    assert shown_key.replace(" ", "") == b32encode(device.bin_key).decode().rstrip("=")

    codes_page = browser.post(reverse("accounts:enrol"), {"code": code_for(device)})
    assert codes_page.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", codes_page.content.decode())
    assert len(codes) == 10
    assert signed_in(browser)
    device.refresh_from_db()
    assert device.confirmed

    # Another browser: one recovery code signs in once, never twice.
    other = Browser()
    sign_in_with_password(other, carol)
    assert other.post(reverse("accounts:code"), {"code": codes[0]}).status_code == 302
    assert signed_in(other)
    third = Browser()
    sign_in_with_password(third, carol)
    assert third.post(reverse("accounts:code"), {"code": codes[0]}).status_code == 200
    assert not signed_in(third)


def test_a_consultant_signs_in_with_the_password_and_may_enrol(alice):
    browser = Browser()
    response = sign_in_with_password(browser, alice)
    assert response["Location"] == "/"
    assert signed_in(browser)
    settings_page = browser.get(reverse("accounts:settings")).content.decode()
    assert "Налаштуйте другий фактор" in settings_page

    browser.get(reverse("accounts:enrol"))
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    assert browser.post(reverse("accounts:enrol"), {"code": code_for(device)}).status_code == 200
    assert browser.get(reverse("hotline_crm:workspace")).status_code == 200

    # Once enrolled, her next sign-in needs the phone too.
    again = Browser()
    assert sign_in_with_password(again, alice)["Location"] == reverse("accounts:code")
    assert not signed_in(again)


def test_the_admins_own_login_form_sends_people_to_the_real_sign_in(db):
    response = Browser().get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_session_without_the_second_factor_is_signed_out(carol):
    """However a supervisor's session came about without the factor, it opens nothing."""
    browser = Browser()
    session = browser.session
    session[SESSION_KEY] = str(carol.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = carol.get_session_auth_hash()
    session.save()
    response = browser.get(reverse("hotline_crm:workspace"))
    assert response["Location"].startswith(reverse("login"))
    assert not signed_in(browser)


def test_a_wrong_code_is_in_the_audit_trail(carol):
    from hotline_audit.models import AuditEvent

    browser = Browser()
    sign_in_with_password(browser, carol)
    browser.post(reverse("accounts:code"), {"code": "000000x"})
    assert AuditEvent.objects.filter(kind="sign_in_failed", detail="carol: second factor").exists()
