"""The supervisors' wallboard: who is waiting, where every consultant stands, today so far.

Built from the database only: the connector keeps Call rows and the
ConsultantState table current; the whole board is built when a wallboard
opens, and the changes follow as small updates of one row each
(wallboard_events.py, docs/websocket-messages.md).
"""

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hotline_asterisk_connector import journal
from hotline_asterisk_connector.models import (
    Call,
    CallDirection,
    ConsultantLine,
    ConsultantState,
    Device,
    Disposition,
    PauseReason,
    PresenceState,
)
from hotline_crm.roles import Role
from hotline_reports.call_stats import call_totals
from hotline_reports.filters import CallFilter
from hotline_reports.models import ReportSettings
from hotline_reports.periods import Period, today
from hotline_workspace.models import OPEN, Kind, WorklistItem

# Busiest first, so that the eye finds who is talking and who is free.
STATE_ORDER = [
    PresenceState.ON_CALL,
    PresenceState.RINGING,
    PresenceState.AVAILABLE,
    PresenceState.PAUSED,
    PresenceState.UNREACHABLE,
    PresenceState.LOGGED_OUT,
]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def waiting_calls() -> list[Call]:
    return list(journal.waiting_calls())


def _pause_reason(code: str) -> str:
    if code in PauseReason.values:
        return str(PauseReason(code).label)
    return code


def rung_on_mobile(line: ConsultantLine | None, state: ConsultantState | None) -> bool:
    """Whether the queue rings this consultant's mobile: they chose it, or neither
    their browser phone nor their app can be rung (extensions.conf, hotline-consultant)."""
    if line is None or not line.mobile_number:
        return False
    return line.on_mobile or state is None or not state.own_devices_reachable


def _consultant(user, state: ConsultantState | None, line: ConsultantLine | None) -> dict:
    code = PresenceState(state.state) if state else PresenceState.LOGGED_OUT
    mobile = code != PresenceState.LOGGED_OUT and rung_on_mobile(line, state)
    return {
        "id": user.pk,
        "name": user.get_full_name() or user.get_username(),
        "state": code.value,
        # Where the row goes: busiest first (STATE_ORDER), then by name.
        "rank": STATE_ORDER.index(code),
        "state_label": str(code.label),
        "since": _iso(state.since) if state else None,
        "pause_reason": _pause_reason(state.pause_reason) if state else "",
        "device": Device.MOBILE.value if mobile else "",
        "device_label": str(_("on the mobile")) if mobile else "",
    }


def live_state() -> list[dict[str, Any]]:
    """Every consultant (by role, line or known state) with their state and since when."""
    states = {state.user_id: state for state in ConsultantState.objects.all()}
    lines = {line.user_id: line for line in ConsultantLine.objects.filter(is_active=True)}
    with_line = list(lines)
    users = (
        get_user_model()
        .objects.filter(
            Q(groups__name=Role.CONSULTANT.value, is_active=True)
            | Q(pk__in=with_line)
            | Q(pk__in=list(states))
        )
        .distinct()
    )
    consultants = [_consultant(u, states.get(u.pk), lines.get(u.pk)) for u in users]
    consultants.sort(key=lambda c: (c["rank"], c["name"]))
    return consultants


def consultant_rows(user_ids: list[int], language: str) -> list[dict[str, Any]]:
    """Those consultants' wallboard rows, as in live_state, in `language` (read at
    once: users, states and lines in one query; a user that is gone has none)."""
    users = (
        get_user_model()
        .objects.select_related("presence", "line")
        .filter(pk__in=user_ids)
        .order_by("pk")
    )
    rows = []
    with translation.override(language):
        for user in users:
            line = getattr(user, "line", None)
            if line is not None and not line.is_active:
                line = None
            rows.append(_consultant(user, getattr(user, "presence", None), line))
    return rows


def is_waiting(call: Call) -> bool:
    """In the queue now (the same test as waiting_calls, on one call in memory)."""
    return (
        call.direction == CallDirection.INBOUND
        and call.queued_at is not None
        and call.answered_at is None
        and call.ended_at is None
        and call.disposition in (Disposition.IN_PROGRESS, Disposition.NOBODY_AVAILABLE)
    )


def waiting_entry(call: Call) -> dict[str, Any]:
    return {"id": call.pk, "since": _iso(call.queued_at), "line": call.dialled_number}


def work_to_do() -> dict[str, int]:
    # By the open statuses, not "not done": an index on status finds the few open ones.
    open_items = WorklistItem.objects.filter(status__in=OPEN)
    return {
        "to_call_back": open_items.filter(kind=Kind.CALLBACK).count(),
        "voicemails": open_items.filter(kind=Kind.VOICEMAIL).count(),
    }


def today_message() -> dict[str, Any]:
    """Today's figures and the open worklist counts, without the consultants and the queue."""
    return {
        "type": "wallboard.today",
        "now": _iso(timezone.now()),
        "today": today_totals(ReportSettings.load()),
        **work_to_do(),
    }


def today_totals(report_settings: ReportSettings) -> dict[str, Any]:
    t = call_totals(CallFilter(Period.day(today())), report_settings.service_level_seconds)
    return {
        key: t[key]
        for key in (
            "received",
            "answered",
            "missed",
            "missed_abandoned",
            "outgoing",
            "service_level",
            "abandonment_rate",
            "wait_avg",
            "wait_max",
            "talk_avg",
        )
    }


def wallboard_snapshot() -> dict[str, Any]:
    """The whole wallboard as JSON-ready data: the page's first state, and what a
    websocket sends on connect; changes follow as small updates (wallboard_events.py)."""
    report_settings = ReportSettings.load()
    waiting = waiting_calls()
    consultants = live_state()
    counts = {state.value: 0 for state in STATE_ORDER}
    for consultant in consultants:
        counts[consultant["state"]] += 1
    return {
        "type": "wallboard.snapshot",
        "now": _iso(timezone.now()),
        "service_level_seconds": report_settings.service_level_seconds,
        "waiting": {
            "count": len(waiting),
            "longest_since": _iso(waiting[0].queued_at) if waiting else None,
            "calls": [waiting_entry(call) for call in waiting],
        },
        "consultants": consultants,
        "counts": counts,
        **work_to_do(),
        "today": today_totals(report_settings),
    }
