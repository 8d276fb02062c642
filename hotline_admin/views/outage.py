"""The outage plan's calculator: totals per option from the prices the administrator types."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from hotline_admin import outage_costs
from hotline_admin.forms import OutageCostsForm
from hotline_admin.views.access import administrator_required

OPTION_NAMES = {
    "sip_app": _("A SIP app on a smartphone over mobile data"),
    "mobile_numbers": _("The queue rings the consultants' mobile numbers through our lines"),
    "power_station": _("A UPS or power station for each home router"),
}


@administrator_required
@require_GET
def outage_costs_page(request: HttpRequest) -> HttpResponse:
    form = OutageCostsForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        result = outage_costs.plan(outage_costs.Prices(**form.cleaned_data))
    rows = [
        {
            "name": OPTION_NAMES[option.name],
            "key": option.name,
            "one_off": option.one_off,
            "monthly": option.monthly,
            "total": option.total(result.months),
        }
        for option in (result.options if result else ())
    ]
    return render(
        request,
        "hotline_admin/outage_costs.html",
        {"form": form, "result": result, "rows": rows},
    )
