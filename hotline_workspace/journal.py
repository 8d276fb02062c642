"""The call journal: who may see which call, the filters, and comments.

Who sees which call is `hotline_workspace.access`'s rule; `visible_calls`
adds what the journal shows with each call.
"""

import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from hotline_asterisk_connector.models.calls import Call, CallComment, CallDirection, Disposition
from hotline_crm.phones import normalise
from hotline_crm.roles import Role, is_supervisor
from hotline_workspace import access

COMMENT_MAX_LENGTH = 2000


def visible_calls(user: AbstractBaseUser) -> QuerySet[Call]:
    return (
        access.calls_for(user)
        .select_related("client", "consultant", "consultation")
        .annotate(comment_count=Count("comments"))
        .order_by("-started_at", "-pk")
    )


class JournalFilter(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        required=False,
        choices=[("", _("All")), *CallDirection.choices],
    )
    disposition = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("All")), *Disposition.choices],
    )
    dialled_number = forms.ChoiceField(label=_("Line number"), required=False)
    consultant = forms.ModelChoiceField(
        label=_("Consultant"), required=False, queryset=get_user_model().objects.none()
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)

    def __init__(self, *args, user: AbstractBaseUser, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dialled_number"].choices = [("", _("All"))] + [
            (number, number)
            for number in Call.objects.exclude(dialled_number="")
            .order_by("dialled_number")
            .values_list("dialled_number", flat=True)
            .distinct()
        ]
        if is_supervisor(user):
            self.fields["consultant"].queryset = (
                get_user_model()
                .objects.filter(Q(groups__name=Role.CONSULTANT) | Q(groups__name=Role.SUPERVISOR))
                .distinct()
                .order_by("first_name", "username")
            )
        else:
            # A consultant's journal is their own already: no one else to pick.
            del self.fields["consultant"]

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    def apply(self, calls: QuerySet[Call]) -> QuerySet[Call]:
        if not self.is_valid():
            return calls.none()
        data = self.cleaned_data
        zone = ZoneInfo(settings.TIME_ZONE)
        if data["date_from"]:
            calls = calls.filter(started_at__gte=_midnight(data["date_from"], zone))
        if data["date_to"]:
            next_day = data["date_to"] + datetime.timedelta(days=1)
            calls = calls.filter(started_at__lt=_midnight(next_day, zone))
        if data["direction"]:
            calls = calls.filter(direction=data["direction"])
        if data["disposition"]:
            calls = calls.filter(disposition=data["disposition"])
        if data["dialled_number"]:
            calls = calls.filter(dialled_number=data["dialled_number"])
        if data.get("consultant"):
            calls = calls.filter(consultant=data["consultant"])
        if data["phone"].strip():
            calls = calls.filter(_phone_matches(data["phone"]))
        return calls


def _midnight(day: datetime.date, zone: ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)


def _phone_matches(typed: str) -> Q:
    """A full number finds its exact E.164 form; a fragment of digits finds any number with it."""
    phone = normalise(typed)
    if phone.is_e164:
        return Q(caller_number=phone.value) | Q(callee_number=phone.value)
    fragment = "".join(ch for ch in typed if ch.isdigit()) or typed.strip()
    return Q(caller_number__contains=fragment) | Q(callee_number__contains=fragment)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write something first."))
        return text


def add_comment(call: Call, author: AbstractBaseUser, text: str) -> CallComment:
    """Add a comment to a call; comments are only ever added, so the journal stays honest."""
    return CallComment.objects.create(call=call, author=author, text=text)
