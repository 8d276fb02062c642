"""Working hours, the 24/7 choice and holidays in Kyiv time decide whether callers
reach the queue: saved through the working-hours page or as rows, applied to the
real Asterisk, heard by a real call."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hotline_admin.models import AppliedChange
from hotline_asterisk_connector.models import ScheduleException, WorkingHours
from tests.support.ami import user_event
from tests.support.week import week_post

pytestmark = [pytest.mark.asterisk, pytest.mark.django_db]

ALL_DAY = {"opens_at": datetime.time(0, 0), "closes_at": datetime.time(0, 0)}


def kyiv_now() -> datetime.datetime:
    return timezone.localtime()


@pytest.fixture
def line(pbx, alice):
    pbx.add_trunks()
    pbx.add_consultant(alice, "101")
    pbx.settings(always_open=False)
    return pbx


def weekday(days_ahead: int = 0) -> int:
    return (kyiv_now() + datetime.timedelta(days=days_ahead)).weekday()


def save_week(admin, mode: str, days: dict) -> None:
    """Through the working-hours page, as the administrator does; Asterisk must take it."""
    response = admin.post(reverse("hotline_admin:hours"), week_post(mode, days))
    assert response.status_code == 302, response.content.decode()[-3000:]
    change = AppliedChange.objects.latest()
    assert change.accepted, change.message


def outcome_of_a_call(pbx, caller: str = "0671234567") -> str:
    """HotlineOffHours or HotlineMenu: which one Asterisk reports for a new call."""
    pbx.call("tollfree", caller)
    linkedid = pbx.inbound(caller)["Linkedid"]
    found = pbx.ami.wait_for(
        lambda e: (
            e.event == "UserEvent"
            and e.get("Linkedid") == linkedid
            and e.get("UserEvent") in {"HotlineOffHours", "HotlineMenu"}
        ),
        since=pbx.mark,
        what="off-hours or the menu",
    )
    return found["UserEvent"]


def test_a_call_outside_working_hours_gets_the_hours_message_and_may_leave_a_callback(line):
    pbx = line
    # Open only on the day after tomorrow.
    WorkingHours.objects.create(weekday=(kyiv_now().weekday() + 2) % 7, **ALL_DAY)
    pbx.apply()

    assert outcome_of_a_call(pbx) == "HotlineOffHours"
    channel = pbx.inbound("0671234567")["Channel"]
    pbx.wait_app(channel, "Playback", "/hours", since=pbx.mark)
    pbx.wait_app(channel, "Read", "offhours-menu", since=pbx.mark)
    pbx.press(channel, "2")
    pbx.wait_app(channel, "Read", "callback-confirm", since=pbx.mark)
    pbx.press(channel, "1")
    pbx.wait_app(channel, "Read", "callback-may-identify", since=pbx.mark)
    pbx.press(channel, "1")
    request = pbx.ami.wait_for(user_event("HotlineCallback", Channel=channel), since=pbx.mark)
    assert (request["Number"], request["Did"]) == ("0671234567", "+380800500123")
    assert request["MaySayWhoWeAre"] == "yes"


def test_a_call_within_working_hours_goes_to_the_queue(line):
    pbx = line
    WorkingHours.objects.create(weekday=kyiv_now().weekday(), **ALL_DAY)
    pbx.apply()

    assert outcome_of_a_call(pbx) == "HotlineMenu"  # the queue, where nobody is logged in


def test_a_call_on_a_holiday_gets_the_hours_message(line):
    pbx = line
    for weekday in range(7):
        WorkingHours.objects.create(weekday=weekday, **ALL_DAY)
    ScheduleException.objects.create(date=kyiv_now().date(), name="День Незалежності")
    pbx.apply()

    assert outcome_of_a_call(pbx) == "HotlineOffHours"


def test_a_short_day_closes_outside_its_own_hours(line):
    pbx = line
    for weekday in range(7):
        WorkingHours.objects.create(weekday=weekday, **ALL_DAY)
    hours = (
        (datetime.time(0, 0), datetime.time(1, 0))
        if kyiv_now().hour >= 2
        else (datetime.time(12, 0), datetime.time(13, 0))
    )
    ScheduleException.objects.create(
        date=kyiv_now().date(), is_closed=False, opens_at=hours[0], closes_at=hours[1]
    )
    pbx.apply()

    assert outcome_of_a_call(pbx) == "HotlineOffHours"


def test_the_grid_closes_the_line_outside_its_hours_and_opens_it_within(line, admin):
    pbx = line
    now = kyiv_now()
    # Open only two and three days ahead, each with a lunch break: closed now.
    later = [("00:00", "12:00"), ("13:00", "00:00")]
    save_week(admin, "schedule", {weekday(2): later, weekday(3): later})
    assert outcome_of_a_call(pbx) == "HotlineOffHours"
    channel = pbx.inbound("0671234567")["Channel"]
    pbx.wait_app(channel, "Playback", "/hours", since=pbx.mark)
    pbx.hang_up(channel)

    # Open from the start of this hour until midnight, and all of tomorrow.
    opens = f"{now:%H}:00"
    tonight = [(opens, "00:00")] if now.hour else [("00:00", "00:00")]
    save_week(admin, "schedule", {weekday(0): tonight, weekday(1): [("00:00", "00:00")]})
    assert outcome_of_a_call(pbx, "0501112233") == "HotlineMenu"  # the queue


def test_round_the_clock_opens_a_line_whose_schedule_is_closed_now(line, admin):
    pbx = line
    closed_now = {weekday(2): [("00:00", "00:00")]}
    save_week(admin, "always", closed_now)
    assert "HOTLINE_ALWAYS_OPEN=1" in pbx.asterisk.cli("dialplan show globals")
    assert outcome_of_a_call(pbx) == "HotlineMenu"

    # Back to the kept schedule: the next call hears the line is closed.
    save_week(admin, "schedule", closed_now)
    assert "HOTLINE_ALWAYS_OPEN=0" in pbx.asterisk.cli("dialplan show globals")
    assert outcome_of_a_call(pbx, "0501112233") == "HotlineOffHours"


def test_round_the_clock_still_closes_on_a_holiday(line, admin):
    pbx = line
    ScheduleException.objects.create(date=kyiv_now().date(), name="Різдво")
    save_week(admin, "always", {})
    assert outcome_of_a_call(pbx) == "HotlineOffHours"
