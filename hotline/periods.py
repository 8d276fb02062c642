"""A period of whole days in the NGO's time zone, as every filter form takes it.

The journal, the consultations list and the audit trail filter by "from" and
"to" dates. The last day counts up to the next midnight; the last date a
calendar has (9999-12-31) has no next midnight and so means "no end", rather
than the server error it once gave.
"""

import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PeriodForm(forms.Form):
    """The two date fields, checked in order; the filter forms extend it."""

    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            # On the end date, so that a page that filters anyway keeps the start.
            self.add_error("date_to", _("The start date is after the end date."))
        return data

    def period(self, field: str) -> Q:
        """`field` (a moment) within the valid form's days."""
        return within_days(
            field, self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        )


def within_days(field: str, first: datetime.date | None, last: datetime.date | None) -> Q:
    zone = ZoneInfo(settings.TIME_ZONE)
    condition = Q()
    if first:
        condition &= Q(**{f"{field}__gte": _midnight(first, zone)})
    if last and last < datetime.date.max:
        condition &= Q(**{f"{field}__lt": _midnight(last + datetime.timedelta(days=1), zone)})
    return condition


def _midnight(day: datetime.date, zone: ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
