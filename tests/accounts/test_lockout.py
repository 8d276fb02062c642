"""Guessing passwords: the login locks after five wrong ones, says so in
Ukrainian, and the administrator can unlock it."""

from django.test import Client as Browser
from django.urls import reverse

from tests.accounts.test_sign_in import sign_in_with_password, signed_in


def wrong_passwords(username: str, count: int) -> list[int]:
    return [
        Browser()
        .post(reverse("login"), {"username": username, "password": f"wrong-guess-{n}"})
        .status_code
        for n in range(count)
    ]


def test_thirty_wrong_passwords_then_the_right_one_does_not_sign_in(alice):
    statuses = wrong_passwords("alice", 30)
    # Four ordinary refusals, then locked: the fifth wrong one locks the login.
    assert statuses[:4] == [200] * 4
    assert set(statuses[4:]) == {429}
    browser = Browser()
    page = sign_in_with_password(browser, alice)
    assert page.status_code == 429
    text = page.content.decode()
    assert "Вхід заблоковано" in text
    assert "попросіть адміністратора" in text
    assert not signed_in(browser)


def test_a_lockout_of_one_login_leaves_the_others_alone(alice, bob):
    wrong_passwords("alice", 5)
    browser = Browser()
    assert sign_in_with_password(browser, bob).status_code == 302
    assert signed_in(browser)


def test_the_administrator_unlocks_a_locked_login(alice, dave):
    wrong_passwords("alice", 5)
    admin = Browser()
    admin.force_login(dave)
    staff_page = admin.get(reverse("accounts:staff")).content.decode()
    assert "заблоковано" in staff_page
    response = admin.post(reverse("accounts:staff_action", args=[alice.pk, "unlock"]))
    assert response.status_code == 302
    browser = Browser()
    assert sign_in_with_password(browser, alice).status_code == 302
    assert signed_in(browser)


def test_a_right_password_resets_the_count_of_wrong_ones(alice):
    wrong_passwords("alice", 4)
    assert sign_in_with_password(Browser(), alice).status_code == 302
    assert wrong_passwords("alice", 4) == [200] * 4
    assert sign_in_with_password(Browser(), alice).status_code == 302


def test_nobody_below_administrator_opens_the_staff_page(alice, carol):
    for user in (alice, carol):
        browser = Browser()
        browser.force_login(user)
        assert browser.get(reverse("accounts:staff")).status_code == 403
        assert (
            browser.post(reverse("accounts:staff_action", args=[user.pk, "unlock"])).status_code
            == 403
        )


def test_an_unlock_is_in_the_audit_trail(alice, dave):
    from hotline_audit.models import AuditEvent

    wrong_passwords("alice", 5)
    admin = Browser()
    admin.force_login(dave)
    admin.post(reverse("accounts:staff_action", args=[alice.pk, "unlock"]))
    event = AuditEvent.objects.get(kind="lockout_unlock")
    assert (event.user, event.detail) == (dave, "alice")
