import datetime

import pytest
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from hotline_admin.models import AppliedChange
from hotline_asterisk_connector.models import (
    BlockedAddress,
    PbxSettings,
    ScheduleException,
    SecurityEvent,
    Trunk,
)
from hotline_audit.models import AuditEvent, Kind

TRUNK = {
    "name": "kyivstar",
    "operator": "kyivstar",
    "number": "067 000 11 22",
    "host": "sip.kyivstar.example",
    "port": "5060",
    "transport": "udp",
    "username": "380670001122",
    "password": "trunk-secret",
    "register": "on",
    "match": "",
    "channel_limit": "5",
    "allow_outbound": "on",
    "is_default_outbound": "on",
    "is_active": "on",
    "order": "1",
}


@pytest.fixture
def admin_browser(dave) -> Browser:
    browser = Browser()
    browser.force_login(dave)
    return browser


def test_a_number_is_saved_in_e164_and_applied(admin_browser):
    response = admin_browser.post(reverse("hotline_admin:number_new"), TRUNK, follow=True)
    trunk = Trunk.objects.get()
    assert trunk.number == "+380670001122"
    assert trunk.register
    change = AppliedChange.objects.get()
    assert "+380670001122" in change.what
    # No Asterisk runs in unit tests: the page says so in plain words.
    assert not change.accepted
    assert "Збережено, але ще не діє: Налаштування збережено, але Asterisk недоступний" in (
        response.content.decode()
    )


def test_choosing_a_default_outgoing_number_unsets_the_previous_one(admin_browser):
    admin_browser.post(reverse("hotline_admin:number_new"), TRUNK)
    second = {**TRUNK, "name": "vodafone", "operator": "vodafone", "number": "050 000 11 22"}
    admin_browser.post(reverse("hotline_admin:number_new"), second)
    defaults = list(Trunk.objects.filter(is_default_outbound=True).values_list("name", flat=True))
    assert defaults == ["vodafone"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"number": "12"}, "Це не номер телефону"),
        ({"host": "sip provider"}, "Вкажіть адресу провайдера"),
        ({"allow_outbound": ""}, "має дозволяти вихідні дзвінки"),
        ({"password": ""}, "вкажіть логін і пароль"),
    ],
)
def test_a_wrong_number_setting_is_refused_in_ukrainian(admin_browser, changes, message):
    response = admin_browser.post(reverse("hotline_admin:number_new"), {**TRUNK, **changes})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Trunk.objects.exists()
    assert not AppliedChange.objects.exists()


def test_a_holiday_and_a_short_day(admin_browser):
    admin_browser.post(
        reverse("hotline_admin:exception_new"),
        {"date": "2026-12-25", "name": "Різдво", "is_closed": "on"},
    )
    admin_browser.post(
        reverse("hotline_admin:exception_new"),
        {"date": "2026-12-31", "name": "", "opens_at": "09:00", "closes_at": "14:00"},
    )
    christmas, new_years_eve = ScheduleException.objects.order_by("date")
    assert christmas.is_closed
    assert christmas.opens_at is None
    assert not new_years_eve.is_closed
    assert new_years_eve.closes_at == datetime.time(14)

    admin_browser.post(reverse("hotline_admin:exception_delete", args=[christmas.pk]))
    assert list(ScheduleException.objects.values_list("date", flat=True)) == [
        datetime.date(2026, 12, 31)
    ]


def test_an_open_day_needs_its_hours(admin_browser):
    response = admin_browser.post(
        reverse("hotline_admin:exception_new"), {"date": "2026-12-31", "name": ""}
    )
    assert "Вкажіть години роботи цього дня" in response.content.decode()
    assert not ScheduleException.objects.exists()


def test_queue_settings(admin_browser):
    admin_browser.post(
        reverse("hotline_admin:queue"),
        {
            "queue_strategy": "ringall",
            "max_wait_seconds": "120",
            "ring_seconds": "15",
            "wrapup_seconds": "10",
            "announce_position": "",
            "total_channel_limit": "8",
        },
    )
    pbx = PbxSettings.load()
    assert pbx.queue_strategy == "ringall"
    assert pbx.max_wait_seconds == 120
    assert not pbx.announce_position
    assert pbx.total_channel_limit == 8


def test_a_queue_wait_below_five_seconds_is_refused(admin_browser):
    response = admin_browser.post(
        reverse("hotline_admin:queue"),
        {
            "queue_strategy": "ringall",
            "max_wait_seconds": "2",
            "ring_seconds": "15",
            "wrapup_seconds": "10",
            "total_channel_limit": "8",
        },
    )
    assert "Нічого не збережено" in response.content.decode()
    assert PbxSettings.load().max_wait_seconds == 60


def test_opening_outgoing_destinations_is_saved_applied_and_audited(admin_browser, dave):
    page = admin_browser.get(reverse("hotline_admin:outbound")).content.decode()
    assert "Вихідні дзвінки" in page and "+38090, +38070" in page
    response = admin_browser.post(
        reverse("hotline_admin:outbound"),
        {"outbound_allow_other": "on", "outbound_prefixes": "+48, +380800"},
    )
    assert response.status_code == 302
    pbx = PbxSettings.load()
    assert pbx.outbound_allow_other and pbx.outbound_prefixes == "+48, +380800"
    assert AppliedChange.objects.get().what == "Напрямки вихідних дзвінків змінено"
    details = list(
        AuditEvent.objects.filter(kind=Kind.SETTINGS_CHANGE).values_list("username", "detail")
    )
    assert ("dave", "outbound prefixes: +48 +380800") in details


@pytest.mark.parametrize(
    ("prefixes", "message"),
    [("+3809", "відкрив би платні номери"), ("48", "це не префікс"), ("+48\n[x]", "не префікс")],
)
def test_a_premium_or_malformed_prefix_is_refused_in_ukrainian(admin_browser, prefixes, message):
    response = admin_browser.post(
        reverse("hotline_admin:outbound"),
        {"outbound_allow_other": "on", "outbound_prefixes": prefixes},
    )
    text = response.content.decode()
    assert "Нічого не збережено" in text and message in text
    assert PbxSettings.load().outbound_prefixes == ""
    assert not AuditEvent.objects.filter(kind=Kind.SETTINGS_CHANGE).exists()


def test_status_page_counts_failed_attempts_and_shows_blocked_addresses(admin_browser):
    now = timezone.now()
    for address, count in (("203.0.113.7", 3), ("198.51.100.9", 1)):
        for _ in range(count):
            SecurityEvent.objects.create(
                at=now, kind="ChallengeResponseFailed", service="PJSIP", address=address
            )
    # Older than a day: not counted.
    SecurityEvent.objects.create(
        at=now - datetime.timedelta(hours=25),
        kind="InvalidAccountID",
        service="PJSIP",
        address="198.51.100.9",
    )
    BlockedAddress.objects.create(
        address="203.0.113.7", until=now + datetime.timedelta(hours=1), failures=5
    )
    text = admin_browser.get(reverse("hotline_admin:status")).content.decode()
    assert "За останні 24 години: 4 невдалі спроби" in text
    assert text.index("<td>203.0.113.7</td><td>3</td>") < text.index(
        "<td>198.51.100.9</td><td>1</td>"
    )
    assert "Заблоковані зараз (АТС відмовляє всьому звідти):\n203.0.113.7 (до " in text


def test_status_page_says_plainly_that_asterisk_does_not_answer(admin_browser):
    Trunk.objects.create(name="toll-free", operator="toll_free", number="+380800500335", host="h")
    response = admin_browser.get(reverse("hotline_admin:status"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Asterisk не відповідає" in text
    assert "+380800500335" in text


SETTINGS_URLS = [
    ("hotline_admin:index", []),
    ("hotline_admin:numbers", []),
    ("hotline_admin:number_new", []),
    ("hotline_admin:hours", []),
    ("hotline_admin:exception_new", []),
    ("hotline_admin:queue", []),
    ("hotline_admin:outbound", []),
    ("hotline_admin:topics", []),
    ("hotline_admin:topic_new", []),
    ("hotline_admin:category_new", []),
    ("hotline_admin:reports", []),
    ("hotline_admin:retention", []),
    ("hotline_admin:backups", []),
    ("hotline_admin:status", []),
]


@pytest.mark.parametrize(("name", "args"), SETTINGS_URLS)
def test_every_settings_page_opens_for_the_administrator(admin_browser, name, args):
    assert admin_browser.get(reverse(name, args=args)).status_code == 200


@pytest.mark.parametrize(("name", "args"), SETTINGS_URLS)
@pytest.mark.parametrize("persona", ["alice", "carol"])
def test_no_settings_page_opens_for_consultants_or_supervisors(request, persona, name, args):
    browser = Browser()
    browser.force_login(request.getfixturevalue(persona))
    assert browser.get(reverse(name, args=args)).status_code == 403
    assert browser.post(reverse(name, args=args), {}).status_code in (403, 405)


@pytest.mark.parametrize(("name", "args"), SETTINGS_URLS)
def test_settings_pages_send_strangers_to_sign_in(db, name, args):
    response = Browser().get(reverse(name, args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_recording_settings_are_off_for_outgoing_calls_until_turned_on_and_logged(admin_browser):
    from hotline_audit.models import AuditEvent, Kind

    pbx = PbxSettings.load()
    assert pbx.announce_recording and not pbx.record_outbound
    page = admin_browser.get(reverse("hotline_admin:recording")).content.decode()
    assert "Записувати вихідні дзвінки" in page and "натиснути 0" in page

    admin_browser.post(
        reverse("hotline_admin:recording"), {"announce_recording": "on", "record_outbound": "on"}
    )
    assert PbxSettings.load().record_outbound
    change = AppliedChange.objects.get()
    assert change.what == "Змінено налаштування запису: Записувати вихідні дзвінки: увімкнено"
    assert change.user.username == "dave"
    assert AuditEvent.objects.filter(kind=Kind.SETTINGS_CHANGE, detail="recording").exists()


def test_conversations_can_be_left_unrecorded_but_never_recorded_unannounced(admin_browser):
    admin_browser.post(reverse("hotline_admin:recording"), {"record_outbound": ""})
    pbx = PbxSettings.load()
    assert not pbx.announce_recording and not pbx.record_outbound
    assert AppliedChange.objects.get().what == (
        "Змінено налаштування запису: Записувати розмови з консультантами: вимкнено"
    )
