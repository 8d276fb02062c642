from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hotline_admin.models import AppliedChange, MaintenanceSettings
from hotline_admin.views.access import administrator_required


@administrator_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "hotline_admin/index.html",
        {
            "last_change": AppliedChange.objects.select_related("user").first(),
            "policy": MaintenanceSettings.load(),
        },
    )
