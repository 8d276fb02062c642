"""Sessions end: after a change of password or role, when an administrator
resets the second factor, and after the idle time."""

import time

import pytest
from django.contrib.auth.models import Group
from django.test import Client as Browser
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from hotline_accounts import idle
from hotline_asterisk_connector.models import ConsultantState, PresenceState
from hotline_crm.roles import Role
from tests.accounts.test_sign_in import sign_in_with_password, signed_in
from tests.conftest import PASSWORD


def browsers_of(user, count: int = 2) -> list[Browser]:
    browsers = []
    for _ in range(count):
        browser = Browser()
        browser.force_login(user)
        assert browser.get(reverse("hotline_crm:workspace")).status_code == 200
        browsers.append(browser)
    return browsers


def still_in(browser: Browser) -> bool:
    return browser.get(reverse("hotline_crm:workspace")).status_code == 200


def test_a_new_password_ends_every_session(alice):
    browsers = browsers_of(alice)
    alice.set_password("a-brand-new-long-secret")
    alice.save()
    assert not any(still_in(browser) for browser in browsers)


def test_changing_ones_own_password_keeps_this_session_and_ends_the_others(alice):
    this, other = browsers_of(alice)
    response = this.post(
        reverse("accounts:password"),
        {
            "old_password": PASSWORD,
            "new_password1": "orchard-lantern-meadow",
            "new_password2": "orchard-lantern-meadow",
        },
    )
    assert response.status_code == 302
    assert still_in(this)
    assert not still_in(other)


def test_a_role_change_ends_every_session(alice):
    browsers = browsers_of(alice)
    alice.groups.add(Group.objects.get(name=Role.SUPERVISOR.value))
    assert not any(still_in(browser) for browser in browsers)


def test_a_role_change_from_the_groups_side_ends_every_session(alice):
    browsers = browsers_of(alice)
    Group.objects.get(name=Role.CONSULTANT.value).user_set.remove(alice)
    assert not any(still_in(browser) for browser in browsers)


def test_switching_an_account_off_ends_every_session(alice):
    browsers = browsers_of(alice)
    alice.is_active = False
    alice.save()
    assert not any(still_in(browser) for browser in browsers)


def test_the_last_login_time_ends_no_session(alice):
    (browser,) = browsers_of(alice, 1)
    sign_in_with_password(Browser(), alice)
    assert still_in(browser)


def test_an_administrator_resets_a_lost_phone(carol, dave):
    (carols,) = browsers_of(carol, 1)
    admin = Browser()
    admin.force_login(dave)
    response = admin.post(reverse("accounts:staff_action", args=[carol.pk, "reset-second-factor"]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=carol).exists()
    assert not StaticDevice.objects.filter(user=carol).exists()
    assert not still_in(carols)
    # Her next sign-in sets up the new phone.
    assert sign_in_with_password(Browser(), carol)["Location"] == reverse("accounts:enrol")


def make_idle(browser: Browser, minutes: float) -> None:
    session = browser.session
    session[idle.LAST_SEEN] = int(time.time() - minutes * 60)
    session.save()


@pytest.mark.parametrize(("minutes", "still"), [(29, True), (31, False)])
def test_a_session_idle_for_thirty_minutes_ends(alice, minutes, still):
    (browser,) = browsers_of(alice, 1)
    make_idle(browser, minutes)
    response = browser.get(reverse("hotline_crm:workspace"))
    assert (response.status_code == 200) is still
    if not still:
        assert response["Location"].startswith(reverse("login"))
        assert not signed_in(browser)


def test_the_idle_time_is_a_setting(alice, settings):
    settings.HOTLINE_IDLE_TIMEOUT_MINUTES = 5
    (browser,) = browsers_of(alice, 1)
    make_idle(browser, 6)
    assert not still_in(browser)


def test_the_desk_keeps_the_session_alive_only_while_in_the_queue(alice):
    (browser,) = browsers_of(alice, 1)
    keep_alive = reverse("accounts:keep_alive")

    state = ConsultantState.objects.create(user=alice, state=PresenceState.AVAILABLE)
    make_idle(browser, 20)
    assert browser.post(keep_alive).json() == {"signed_in": True, "kept_alive": True}
    assert time.time() - browser.session[idle.LAST_SEEN] < 60

    state.state = PresenceState.LOGGED_OUT
    state.save()
    make_idle(browser, 20)
    assert browser.post(keep_alive).json() == {"signed_in": True, "kept_alive": False}
    # The ping itself is no activity: twenty minutes later nothing is left.
    make_idle(browser, 31)
    response = browser.post(keep_alive)
    assert response.status_code == 401
    assert not signed_in(browser)


def test_a_second_factor_reset_is_in_the_audit_trail(carol, dave):
    from hotline_audit.models import AuditEvent

    admin = Browser()
    admin.force_login(dave)
    admin.post(reverse("accounts:staff_action", args=[carol.pk, "reset-second-factor"]))
    event = AuditEvent.objects.get(kind="second_factor_reset")
    assert (event.user, event.detail) == (dave, "carol")
