"""Numbers, working hours and the queue: each save is applied to Asterisk at once."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline_admin import status
from hotline_admin.forms import (
    OutboundForm,
    QueueForm,
    RecordingForm,
    ScheduleExceptionForm,
    TrunkForm,
)
from hotline_admin.pbx import apply_and_report
from hotline_admin.views.access import administrator_required
from hotline_admin.working_hours import WeekForm, line_state_text
from hotline_asterisk_connector import destinations, schedule
from hotline_asterisk_connector.models import PbxSettings, ScheduleException, Trunk
from hotline_audit.trail import Kind, record


@administrator_required
def number_list(request: HttpRequest) -> HttpResponse:
    asterisk = status.read_status()
    rows = [(trunk, status.registration_for(asterisk, trunk.name)) for trunk in Trunk.objects.all()]
    return render(request, "hotline_admin/number_list.html", {"rows": rows, "asterisk": asterisk})


@administrator_required
def number_edit(request: HttpRequest, trunk_id: int | None = None) -> HttpResponse:
    trunk = get_object_or_404(Trunk, pk=trunk_id) if trunk_id else None
    form = TrunkForm(request.POST or None, instance=trunk)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
            if saved.is_default_outbound:
                # One default number for outgoing calls: choosing one unsets the others.
                Trunk.objects.exclude(pk=saved.pk).update(is_default_outbound=False)
        apply_and_report(request, _("Number %(number)s saved") % {"number": saved.number})
        return redirect("hotline_admin:numbers")
    return render(request, "hotline_admin/number_form.html", {"form": form, "trunk": trunk})


@administrator_required
def hours(request: HttpRequest) -> HttpResponse:
    pbx = PbxSettings.load()
    form = WeekForm(
        request.POST or None, always_open=pbx.always_open, intervals=schedule.stored_intervals()
    )
    if request.method == "POST":
        if form.is_valid():
            if schedule.save_week(
                form.always_open, form.cleaned_data["intervals"], request=request
            ):
                apply_and_report(request, _("Working hours changed"))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("hotline_admin:hours")
        messages.error(request, _("Nothing was saved: correct the fields marked below."))
    today = timezone.localdate()
    line = schedule.line_state()
    return render(
        request,
        "hotline_admin/hours.html",
        {
            "form": form,
            "line": line,
            "line_text": line_state_text(line),
            "exceptions": ScheduleException.objects.filter(date__gte=today),
            "past_exceptions": ScheduleException.objects.filter(date__lt=today).order_by("-date"),
        },
    )


@administrator_required
def exception_edit(request: HttpRequest, exception_id: int | None = None) -> HttpResponse:
    exception = get_object_or_404(ScheduleException, pk=exception_id) if exception_id else None
    form = ScheduleExceptionForm(request.POST or None, instance=exception)
    if request.method == "POST" and form.is_valid():
        saved = schedule.save_day(form.save(commit=False), request=request)
        apply_and_report(request, _("Day %(date)s saved") % {"date": f"{saved.date:%d.%m.%Y}"})
        return redirect("hotline_admin:hours")
    return render(
        request, "hotline_admin/exception_form.html", {"form": form, "exception": exception}
    )


@administrator_required
@require_POST
def exception_delete(request: HttpRequest, exception_id: int) -> HttpResponse:
    exception = get_object_or_404(ScheduleException, pk=exception_id)
    date = f"{exception.date:%d.%m.%Y}"
    schedule.remove_day(exception, request=request)
    apply_and_report(request, _("Day %(date)s removed") % {"date": date})
    return redirect("hotline_admin:hours")


@administrator_required
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueForm(request.POST or None, instance=PbxSettings.load())
    if request.method == "POST":
        if form.is_valid():
            form.save()
            apply_and_report(request, _("Queue settings changed"))
            return redirect("hotline_admin:queue")
        messages.error(request, _("Nothing was saved: correct the fields marked below."))
    return render(request, "hotline_admin/queue.html", {"form": form})


@administrator_required
def recording(request: HttpRequest) -> HttpResponse:
    """Whether conversations are recorded; the settings-change audit row names this page."""
    form = RecordingForm(request.POST or None, instance=PbxSettings.load())
    if request.method == "POST" and form.is_valid():
        what = form.changes()
        form.save()
        apply_and_report(request, _("Recording settings changed: %(what)s") % {"what": what or "—"})
        return redirect("hotline_admin:recording")
    return render(request, "hotline_admin/recording.html", {"form": form})


@administrator_required
def outbound(request: HttpRequest) -> HttpResponse:
    """Where consultants may call: Ukrainian numbers, plus prefixes the administrator opens."""
    form = OutboundForm(request.POST or None, instance=PbxSettings.load())
    if request.method == "POST":
        if form.is_valid():
            saved = form.save()
            # Opening destinations is what a toll fraud needs: who opened what is kept.
            opened = destinations.policy(saved.outbound_allow_other, saved.outbound_prefixes)
            record(
                Kind.SETTINGS_CHANGE,
                request=request,
                obj=saved,
                detail="outbound prefixes: "
                + (" ".join(f"+{p}" for p in opened.extra_prefixes) or "-"),
            )
            apply_and_report(request, _("Outgoing call destinations changed"))
            return redirect("hotline_admin:outbound")
        messages.error(request, _("Nothing was saved: correct the fields marked below."))
    return render(
        request,
        "hotline_admin/outbound.html",
        {"form": form, "premium": [f"+{p}" for p in destinations.PREMIUM_PREFIXES]},
    )
