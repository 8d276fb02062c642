"""The working-hours page: the 24/7 choice, the week grid, its checks and its audit row."""

import datetime

import pytest
from django.test import Client as Browser
from django.urls import reverse

from hotline_admin.models import AppliedChange
from hotline_asterisk_connector.models import PbxSettings, ScheduleException, WorkingHours
from hotline_audit.models import AuditEvent, Kind
from tests.support.week import week_post

pytestmark = pytest.mark.django_db
T = datetime.time
WORKDAYS = {day: [("09:00", "18:00")] for day in range(5)}


@pytest.fixture
def admin_browser(dave) -> Browser:
    browser = Browser()
    browser.force_login(dave)
    return browser


def saved_week() -> list[tuple]:
    return list(WorkingHours.objects.values_list("weekday", "opens_at", "closes_at"))


def week_audit():
    return AuditEvent.objects.filter(kind=Kind.SETTINGS_CHANGE, detail__startswith="working hours")


def day_audit():
    return AuditEvent.objects.filter(kind=Kind.SETTINGS_CHANGE, detail__startswith="day of")


def save(browser: Browser, data: dict, **kwargs):
    return browser.post(reverse("hotline_admin:hours"), data, **kwargs)


def test_a_new_line_shows_round_the_clock_chosen_and_every_day_off(admin_browser):
    page = admin_browser.get(reverse("hotline_admin:hours")).content.decode()
    assert 'value="always" id="id_mode_0" required checked' in page
    assert "Лінія працює цілодобово (24/7)" in page
    assert (
        sum(f'name="day{day}_closed" id="id_day{day}_closed" checked' in page for day in range(7))
        == 7
    )
    assert "відчинено · змін попереду немає" in page


def test_workdays_with_a_lunch_break_and_a_weekend(admin_browser):
    days = {**WORKDAYS, 0: [("09:00", "13:00"), ("14:00", "18:00")], 5: [("10:00", "14:00")]}
    response = save(admin_browser, week_post("schedule", days))
    assert response.status_code == 302
    assert not PbxSettings.load().always_open
    assert saved_week() == [
        (0, T(9), T(13)),
        (0, T(14), T(18)),
        *((day, T(9), T(18)) for day in range(1, 5)),
        (5, T(10), T(14)),
    ]
    assert AppliedChange.objects.filter(what="Робочі години змінено").exists()
    audit = week_audit().get()
    assert audit.user.username == "dave"
    assert audit.detail.startswith("working hours: 24/7 [hours: mon closed;")
    assert "-> mon 09:00-13:00,14:00-18:00; tue 09:00-18:00;" in audit.detail
    assert "sat 10:00-14:00; sun closed" in audit.detail


def test_round_the_clock_keeps_the_weekly_hours_for_later(admin_browser):
    save(admin_browser, week_post("schedule", WORKDAYS))
    save(admin_browser, week_post("always", WORKDAYS))
    assert PbxSettings.load().always_open
    assert len(saved_week()) == 5
    page = admin_browser.get(reverse("hotline_admin:hours")).content.decode()
    assert 'value="09:00"' in page
    audit = week_audit().latest("pk")
    assert "-> 24/7 [hours: mon 09:00-18:00;" in audit.detail


def test_saving_the_same_week_again_changes_nothing(admin_browser):
    save(admin_browser, week_post("schedule", WORKDAYS))
    response = save(admin_browser, week_post("schedule", WORKDAYS), follow=True)
    assert "Нічого не змінилося." in response.content.decode()
    assert week_audit().count() == 1
    assert AppliedChange.objects.count() == 1


def test_night_shifts_and_whole_days(admin_browser):
    days = {
        2: [("00:00", "00:00")],
        4: [("20:00", "02:00", "night")],
        5: [("02:00", "06:00")],
        6: [("18:00", "00:00")],
    }
    assert save(admin_browser, week_post("schedule", days)).status_code == 302
    assert saved_week() == [
        (2, T(0), T(0)),
        (4, T(20), T(2)),
        (5, T(2), T(6)),
        (6, T(18), T(0)),
    ]
    page = admin_browser.get(reverse("hotline_admin:hours")).content.decode()
    assert 'name="day4_0_overnight" id="id_day4_0_overnight" checked' in page


@pytest.mark.parametrize(
    ("mode", "days", "message"),
    [
        ("schedule", {0: [("18:00", "09:00")]}, "Понеділок: 18:00–09:00 закінчується раніше"),
        ("schedule", {1: [("09:00", "09:00")]}, "Вівторок: 09:00–09:00 закінчується раніше"),
        (
            "schedule",
            {2: [("09:00", "18:00", "night")]},
            "Середа: 09:00–18:00 позначено «до наступного дня»",
        ),
        ("schedule", {3: [("09:00", "")]}, "Четвер: вкажіть і початок, і кінець"),
        (
            "schedule",
            {0: [("09:00", "13:00"), ("12:00", "18:00")]},
            "Два проміжки перетинаються: Понеділок 09:00–13:00 і Понеділок 12:00–18:00.",
        ),
        (
            "schedule",
            {4: [("20:00", "02:00", "night")], 5: [("01:00", "06:00")]},
            "ятниця 20:00–02:00 і Субота 01:00–06:00.",
        ),
        (
            "schedule",
            {6: [("22:00", "03:00", "night")], 0: [("02:30", "09:00")]},
            "перетинаються",
        ),
        ("schedule", {}, "У розкладі немає жодної робочої години"),
        ("always", {0: [("18:00", "09:00")]}, "закінчується раніше"),
    ],
)
def test_impossible_hours_are_refused_in_ukrainian(admin_browser, mode, days, message):
    response = save(admin_browser, week_post(mode, days))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Нічого не збережено" in response.content.decode()
    assert not WorkingHours.objects.exists()
    assert PbxSettings.load().always_open
    assert not week_audit().exists()


def test_a_day_neither_off_nor_with_hours_is_refused(admin_browser):
    data = week_post("schedule", WORKDAYS)
    del data["day6_closed"]
    response = save(admin_browser, data)
    assert "Неділя: вкажіть години роботи або позначте день як вихідний." in (
        response.content.decode()
    )


def test_a_day_off_drops_what_was_typed_in_it(admin_browser):
    data = week_post("schedule", WORKDAYS)
    data.update({"day5_0_opens": "10:00", "day5_0_closes": "12:00"})  # day5_closed stays on
    save(admin_browser, data)
    assert [row[0] for row in saved_week()] == [0, 1, 2, 3, 4]


def test_the_page_lists_upcoming_holidays_and_folds_past_ones(admin_browser):
    ScheduleException.objects.create(date=datetime.date(2099, 12, 25), name="Різдво")
    ScheduleException.objects.create(date=datetime.date(2020, 8, 24), name="Давнє свято")
    page = admin_browser.get(reverse("hotline_admin:hours")).content.decode()
    assert "25.12.2099" in page
    assert "1 минулий день" in page


def test_a_holiday_added_and_removed_is_on_the_audit_trail(admin_browser):
    admin_browser.post(
        reverse("hotline_admin:exception_new"),
        {"date": "2026-12-25", "name": "Різдво", "is_closed": "on"},
    )
    day = ScheduleException.objects.get()
    admin_browser.post(reverse("hotline_admin:exception_delete", args=[day.pk]))
    details = list(day_audit().order_by("pk").values_list("detail", flat=True))
    assert details == [
        "day of the schedule: - -> 2026-12-25 closed Різдво",
        "day of the schedule: 2026-12-25 closed Різдво -> -",
    ]
