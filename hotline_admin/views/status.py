from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hotline_admin import status
from hotline_admin.models import AppliedChange, DailyJob
from hotline_admin.views.access import administrator_required
from hotline_asterisk_connector import sip_guard
from hotline_asterisk_connector.models import ConsultantLine, Reconciliation, Trunk


@administrator_required
@require_GET
def status_page(request: HttpRequest) -> HttpResponse:
    active_lines = list(ConsultantLine.objects.filter(is_active=True).select_related("user"))
    endpoints = tuple(
        endpoint for line in active_lines for endpoint in (line.webrtc_endpoint, line.sip_endpoint)
    )
    asterisk = status.read_status(endpoints=endpoints)
    trunks = [
        (trunk, status.registration_for(asterisk, trunk.name)) for trunk in Trunk.objects.all()
    ]
    lines = [
        (
            line,
            [
                (
                    endpoint,
                    status.device_state_label(asterisk.endpoint_states.get(endpoint, "")),
                    asterisk.devices_of(endpoint),
                )
                for endpoint in (line.webrtc_endpoint, line.sip_endpoint)
            ],
        )
        for line in active_lines
    ]
    return render(
        request,
        "hotline_admin/status.html",
        {
            "asterisk": asterisk,
            "trunks": trunks,
            "lines": lines,
            "changes": AppliedChange.objects.select_related("user")[:20],
            "jobs": DailyJob.objects.all(),
            "reconciliation": Reconciliation.objects.first(),
            "security": sip_guard.summary(),
        },
    )
