"""The supervisors' view of the trail: filters, and the CSV a spreadsheet opens safely."""

import csv
import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hotline.periods import PeriodForm
from hotline_audit.models import AuditEvent, Kind

# Spreadsheets run a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BREAK_GLASS_WINDOW = datetime.timedelta(days=30)


class AuditFilter(PeriodForm):
    user = forms.ModelChoiceField(
        label=_("Person"), required=False, queryset=get_user_model().objects.none()
    )
    card = forms.IntegerField(label=_("Card number"), required=False, min_value=1, max_value=2**62)
    kind = forms.ChoiceField(
        label=_("What"), required=False, choices=[("", _("All")), *Kind.choices]
    )
    field_order = ("user", "card", "kind", "date_from", "date_to")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.order_by("username")

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        if not self.is_valid():
            return events.none()
        data = self.cleaned_data
        if data["user"]:
            events = events.filter(user=data["user"])
        if data["card"]:
            events = events.filter(client_id=data["card"])
        if data["kind"]:
            events = events.filter(kind=data["kind"])
        return events.filter(self.period("at"))


def recent_break_glass_count() -> int:
    return AuditEvent.objects.filter(
        kind=Kind.BREAK_GLASS, at__gte=timezone.now() - BREAK_GLASS_WINDOW
    ).count()


def neutralise(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def csv_response(events: Iterable[AuditEvent], filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")  # so that Excel reads the Cyrillic right
    writer = csv.writer(response)
    writer.writerow(
        [_("When"), _("User"), _("Address"), _("What"), _("Object"), _("Card"), _("Detail")]
    )
    zone = ZoneInfo(settings.TIME_ZONE)
    for event in events:
        cells = [
            event.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
            event.username,
            event.ip_address or "",
            str(event.get_kind_display()),
            f"{event.object_type} {event.object_id}".strip(),
            str(event.client_id or ""),
            event.detail,
        ]
        writer.writerow([neutralise(str(cell)) for cell in cells])
    return response
