"""Every call figure of March (tests/reports/conftest.py), worked out by hand."""

import pytest
from django.db.models import Q
from django.utils.translation import gettext

from hotline_asterisk_connector.models import CallDirection, Weekday
from hotline_reports.aggregates import Median
from hotline_reports.call_stats import (
    by_hour_table,
    by_weekday_table,
    call_totals,
    per_consultant_table,
    summary_table,
    timeline_table,
    worklist_table,
    worklist_totals,
)
from hotline_reports.filters import CallFilter
from hotline_reports.models import ReportSettings
from hotline_reports.periods import Period
from hotline_workspace.models import Kind as WorkKind
from hotline_workspace.models import WorklistItem, WorkStatus
from tests.reports.conftest import KYIVSTAR, MARCH, TOLL_FREE, kyiv

pytestmark = pytest.mark.django_db


def test_totals_of_the_month(march):
    t = call_totals(CallFilter(MARCH), threshold=20)
    # A1–A5 answered; M1–M6 missed; P1 still waiting; X1 is April in Kyiv time.
    assert t["received"] == 12
    assert t["answered"] == 5
    assert t["missed"] == 6
    assert t["in_progress"] == 1
    assert t["received"] == t["answered"] + t["missed"] + t["in_progress"]
    assert [
        t["missed_abandoned"],
        t["missed_off_hours"],
        t["missed_nobody_available"],
        t["missed_voicemail"],
        t["missed_callback_requested"],
        t["missed_over_limit"],
    ] == [1, 1, 1, 1, 1, 1]
    assert (t["outgoing"], t["outgoing_answered"], t["outgoing_not_answered"]) == (2, 1, 1)
    # Reached the queue: A1–A5, M1, M3, M4, M6, P1 (not M2 off hours, not M5 over limit).
    assert t["offered"] == 10
    # Answered within 20 s: A1 (10), A3 (5), A5 (20) → 3 of 10.
    assert t["answered_in_time"] == 3
    assert t["service_level"] == 30.0
    assert t["abandonment_rate"] == 10.0
    # Waits 10+25+5+40+20+50+60+30+15 = 255 over 9 calls (P1 has none yet).
    assert t["wait_avg"] == pytest.approx(255 / 9)
    assert t["wait_max"] == 60
    assert t["answer_wait_avg"] == pytest.approx(20.0)
    # Talk: 300, 120, 600, 60, 180 in, 240 out → 1500 in 6 calls, median (180+240)/2.
    assert t["talk_total"] == 1500
    assert t["talk_avg"] == pytest.approx(250.0)
    assert t["talk_median"] == pytest.approx(210.0)


def test_service_level_follows_the_threshold_setting(march):
    # Within 25 s: A1, A2, A3, A5 → 4 of 10.
    assert call_totals(CallFilter(MARCH), threshold=25)["service_level"] == 40.0
    settings_row = ReportSettings.load()
    settings_row.service_level_seconds = 40
    settings_row.save()
    table = summary_table(CallFilter(MARCH), ReportSettings.load())
    row = next(r for r in table.rows if "40" in str(r[0]))
    assert row[1] == 50.0


def test_filter_by_dialled_number(march):
    t = call_totals(CallFilter(MARCH, dialled_number=KYIVSTAR), threshold=20)
    # A3 answered, M3 voicemail; O1 went out through Kyivstar.
    assert (t["received"], t["answered"], t["missed"], t["outgoing"]) == (2, 1, 1, 1)
    assert t["missed_voicemail"] == 1


def test_filter_by_consultant(march, alice):
    t = call_totals(CallFilter(MARCH, consultant_id=alice.pk), threshold=20)
    # A1, A2, A5 and O1 are Alice's; missed calls belong to nobody.
    assert (t["received"], t["answered"], t["missed"], t["outgoing"]) == (3, 3, 0, 1)
    assert t["talk_total"] == 300 + 120 + 180 + 240


def test_filter_by_direction(march):
    t = call_totals(CallFilter(MARCH, direction=CallDirection.OUTBOUND), threshold=20)
    assert (t["received"], t["outgoing"], t["talk_total"]) == (0, 2, 240)


def test_worklist(march):
    w = worklist_totals(CallFilter(MARCH))
    assert (w["voicemail_received"], w["voicemail_done"], w["voicemail_waiting"]) == (2, 1, 1)
    assert w["voicemail_delay_avg"].total_seconds() == 7200
    assert (w["callback_received"], w["callback_done"]) == (4, 2)
    assert (w["callback_taken"], w["callback_waiting"]) == (1, 1)
    # Called back after 5400 s and 1800 s.
    assert w["callback_delay_avg"].total_seconds() == 3600
    assert w["callback_delay_max"].total_seconds() == 5400
    table = worklist_table(CallFilter(MARCH), ReportSettings.load())
    assert [row[1] for row in table.rows] == [2, 1, 0, 1, 7200.0, 4, 2, 1, 1, 3600.0, 5400.0]


def columns(table) -> list[str]:
    return [str(column.label) for column in table.columns]


def test_per_consultant(march):
    table = per_consultant_table(CallFilter(MARCH), ReportSettings.load())
    assert columns(table)[1:3] == [gettext("Answered"), "Дзвонило, не прийнято"]
    by_name = {row[0]: row[1:] for row in table.rows}
    # answered, rang not answered, out answered, out not answered, talk total, talk avg,
    # talk median, wait before answer, called back, voicemails handled.
    assert by_name["Аліна"] == [3, 1, 1, 0, 840.0, 210.0, 210.0, 18.3, 1, 1]
    assert by_name["Богдан"] == [2, 1, 0, 1, 660.0, 330.0, 330.0, 22.5, 1, 0]
    # Missed calls have no consultant and nothing to count: no "nobody" row.
    assert set(by_name) == {"Аліна", "Богдан"}
    assert table.total == ["Усього", 5, 2, 1, 1, 1500.0, 250.0, 210.0, 20.0, 2, 1]


def test_a_missed_call_handled_is_no_callback_and_no_voice_message(march, bob):
    # The worklist's third kind: Bob handled a missed call in March.
    WorklistItem.objects.create(
        kind=WorkKind.MISSED,
        call=march.calls["M1"],
        caller_number="+380991234574",
        dialled_number=TOLL_FREE,
        created_at=kyiv(3, 10, 21),
        status=WorkStatus.DONE,
        taken_by=bob,
        done_at=kyiv(3, 11, 0),
    )
    table = per_consultant_table(CallFilter(MARCH), ReportSettings.load())
    by_name = {row[0]: row[1:] for row in table.rows}
    assert by_name["Богдан"][-2:] == [1, 0]  # called back, voice messages handled
    assert table.total[-2:] == [2, 1]
    w = worklist_totals(CallFilter(MARCH))
    assert (w["voicemail_received"], w["callback_received"]) == (2, 4)
    assert (w["voicemail_done"], w["callback_done"]) == (1, 2)


def test_per_consultant_counts_add_up_to_the_totals(march):
    table = per_consultant_table(CallFilter(MARCH), ReportSettings.load())
    count_columns = [1, 2, 3, 4, 5, 9, 10]
    for index in count_columns:
        assert sum(row[index] for row in table.rows) == table.total[index]
    totals = call_totals(CallFilter(MARCH), threshold=20)
    assert table.total[1] == totals["answered"]
    assert table.total[3] + table.total[4] == totals["outgoing"]


def test_by_hour_in_kyiv_time(march):
    table = by_hour_table(CallFilter(MARCH), ReportSettings.load())
    assert len(table.rows) == 24
    # hour: (incoming, answered, missed, outgoing)
    expected = {
        0: (1, 1, 0, 0),
        1: (1, 0, 1, 0),
        9: (3, 0, 3, 0),
        10: (3, 2, 1, 0),
        11: (0, 0, 0, 2),
        12: (1, 0, 0, 0),
        14: (2, 1, 1, 0),
        23: (1, 1, 0, 0),
    }
    for hour, row in enumerate(table.rows):
        assert tuple(row[1:5]) == expected.get(hour, (0, 0, 0, 0)), hour
    assert table.rows[10][0] == "10:00–10:59"
    # 10:00–10:59: A1 (10 s), M1 (50 s), A2 (25 s); within 20 s only A1 of 3.
    assert table.rows[10][5] == pytest.approx(85 / 3, abs=0.05)
    assert table.rows[10][6] == pytest.approx(33.3)
    assert table.total[1:5] == [12, 5, 6, 2]


def test_by_weekday_in_kyiv_time(march):
    table = by_weekday_table(CallFilter(MARCH), ReportSettings.load())
    assert [row[0] for row in table.rows] == [str(day.label) for day in Weekday]
    assert [tuple(row[1:5]) for row in table.rows] == [
        (4, 2, 1, 0),  # Monday: A1, M1, A2 on 3 March, P1 on 31 March
        (2, 1, 1, 0),  # Tuesday: A3, M3
        (3, 0, 3, 2),  # Wednesday: M4, M5, M6; O1, O2 out
        (0, 0, 0, 0),
        (0, 0, 0, 0),
        (2, 2, 0, 0),  # Saturday: A5 (1 March 00:30), A4
        (1, 0, 1, 0),  # Sunday: M2 at 01:10
    ]


def test_per_day_timeline(march):
    table = timeline_table(CallFilter(MARCH), ReportSettings.load())
    assert table.key == "timeline"
    assert len(table.rows) == 31
    incoming = [row[1] for row in table.rows]
    assert incoming[:5] == [1, 1, 3, 2, 3]
    assert incoming[7] == 1 and incoming[30] == 1
    assert sum(incoming) == 12
    assert table.rows[4][4] == 2  # 5 March: two outgoing


def test_long_periods_are_per_month(march):
    period = Period(MARCH.first_day.replace(month=1), MARCH.last_day.replace(month=6, day=30))
    table = timeline_table(CallFilter(period), ReportSettings.load())
    assert len(table.rows) == 6
    # March holds the 12 incoming calls; X1 (1 April 00:30 Kyiv) is April's.
    assert [row[1] for row in table.rows] == [0, 0, 12, 1, 0, 0]


def test_summary_table_lists_every_measure(march):
    table = summary_table(CallFilter(MARCH), ReportSettings.load())
    values = [row[1] for row in table.rows]
    assert values[:3] == [12, 5, 6]
    assert values[3:9] == [1, 1, 1, 1, 1, 1]
    assert values[9:13] == [1, 2, 1, 1]
    assert values[13:16] == [10, 30.0, 10.0]
    assert table.row_kinds[14:16] == ["percent", "percent"]
    assert values[16:] == [28.3, 60.0, 20.0, 1500.0, 250.0, 210.0]


def test_median_takes_a_filter_on_this_database(march):
    # Incoming talk only: 60, 120, 180, 300, 600 → 180 (the outgoing 240 is left out).
    incoming = Q(direction=CallDirection.INBOUND)
    row = CallFilter(MARCH).calls().aggregate(median=Median("talk_seconds", filter=incoming))
    assert row["median"] == pytest.approx(180.0)
