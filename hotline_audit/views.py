"""The audit page: supervisors and administrators read (never change) the trail."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from hotline_audit.models import AuditEvent
from hotline_audit.search import AuditFilter, csv_response
from hotline_audit.trail import Kind, record
from hotline_crm.roles import is_supervisor, require

PAGE_SIZE = 100


def _filtered(request: HttpRequest) -> tuple[AuditFilter, object]:
    form = AuditFilter(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_bound:
        events = form.apply(events)
    return form, events


@login_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    require(is_supervisor, request.user)
    form, events = _filtered(request)
    # Reading the trail is itself on the trail: who looked at whom.
    record(Kind.AUDIT_VIEW, request=request, detail=request.GET.urlencode()[:1000])
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "hotline_audit/audit_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@login_required
@require_GET
def audit_export(request: HttpRequest) -> HttpResponse:
    require(is_supervisor, request.user)
    _form, events = _filtered(request)
    filename = f"hotline-audit-{timezone.localdate():%Y%m%d}"
    record(Kind.EXPORT, request=request, detail=f"{filename} {request.GET.urlencode()}"[:1000])
    return csv_response(events.iterator(), filename)
