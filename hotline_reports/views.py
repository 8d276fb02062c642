"""Report pages: thin views over the filter forms and pages.py.

Supervisors and administrators see everything; a consultant sees only the
personal page, always narrowed to their own calls and forms.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hotline_crm.roles import is_staff_member, is_supervisor, require
from hotline_reports import donors as donor_export
from hotline_reports import exports, supervision
from hotline_reports.forms import CallFilterForm, ConsultationFilterForm
from hotline_reports.live import wallboard_snapshot
from hotline_reports.models import ReportSettings
from hotline_reports.pages import Page, calls_page, consultations_page, my_page, with_charts
from hotline_reports.periods import Period

FORMATS = ("csv", "xlsx")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if is_supervisor(request.user):
        return redirect("hotline_reports:calls")
    require(is_staff_member, request.user)
    return redirect("hotline_reports:me")


def _calls(request: HttpRequest) -> tuple[CallFilterForm, Page | None]:
    form = CallFilterForm(request.GET or {})
    if not form.is_valid():
        return form, None
    return form, calls_page(form.call_filter(), ReportSettings.load())


def _consultations(request: HttpRequest) -> tuple[ConsultationFilterForm, Page | None]:
    form = ConsultationFilterForm(request.GET or {})
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    page = consultations_page(
        form.consultation_filter(), ReportSettings.load(), data["rows"], data["columns"]
    )
    return form, page


def _mine(request: HttpRequest) -> tuple[CallFilterForm, Page | None]:
    """The consultant's own figures: the consultant filter is never taken from the request."""
    form = CallFilterForm(request.GET or {}, with_consultant=False)
    if not form.is_valid():
        return form, None
    mine = request.user.pk
    forms_form = ConsultationFilterForm(
        {key: form.data.get(key, "") for key in ("preset", "date_from", "date_to")},
        with_consultant=False,
    )
    forms_form.is_valid()
    page = my_page(
        form.call_filter(consultant_id=mine),
        forms_form.consultation_filter(consultant_id=mine),
        ReportSettings.load(),
    )
    return form, page


def _period_of(form) -> Period | None:
    return form.cleaned_data.get("period") if form.is_bound and form.is_valid() else None


def _render(request: HttpRequest, template: str, form, page: Page | None, **extra) -> HttpResponse:
    if page is not None:
        with_charts(page.build())
    context = {
        "form": form,
        "page": page,
        "period": _period_of(form),
        "query": request.GET.urlencode(),
        **extra,
    }
    return render(request, template, context)


@login_required
def calls(request: HttpRequest) -> HttpResponse:
    require(is_supervisor, request.user)
    form, page = _calls(request)
    return _render(request, "hotline_reports/calls.html", form, page)


@login_required
def consultations(request: HttpRequest) -> HttpResponse:
    require(is_supervisor, request.user)
    form, page = _consultations(request)
    return _render(request, "hotline_reports/consultations.html", form, page)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    require(is_staff_member, request.user)
    form, page = _mine(request)
    return _render(request, "hotline_reports/me.html", form, page)


PAGES = {"calls": (_calls, True), "consultations": (_consultations, True), "me": (_mine, False)}


def _page_for_export(request: HttpRequest, page_key: str) -> tuple[object, Page | None]:
    if page_key not in PAGES:
        raise Http404
    build, supervisors_only = PAGES[page_key]
    require(is_supervisor if supervisors_only else is_staff_member, request.user)
    return build(request)


def _bad_filter(form) -> HttpResponse:
    messages = [str(error) for errors in form.errors.values() for error in errors]
    return HttpResponseBadRequest(
        "\n".join([_("The report filter is not valid:"), *messages]),
        content_type="text/plain; charset=utf-8",
    )


def _filename(page_key: str, name: str, period: Period) -> str:
    return f"hotline-{page_key}-{name}-{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}"


@login_required
def export_table(request: HttpRequest, page_key: str, table_key: str, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    form, page = _page_for_export(request, page_key)
    if page is None:
        return _bad_filter(form)
    table = page.table(table_key)
    if table is None:
        raise Http404
    period = form.cleaned_data["period"]
    filename = _filename(page_key, table_key, period)
    if fmt == "csv":
        return exports.csv_response(table, filename)
    return exports.workbook_response([table], exports.period_heading(period), filename)


@login_required
def export_page(request: HttpRequest, page_key: str) -> HttpResponse:
    """Every table of a page in one workbook, a sheet each."""
    form, page = _page_for_export(request, page_key)
    if page is None:
        return _bad_filter(form)
    period = form.cleaned_data["period"]
    return exports.workbook_response(
        page.build().tables, exports.period_heading(period), _filename(page_key, "all", period)
    )


@login_required
def donors(request: HttpRequest, fmt: str) -> HttpResponse:
    require(is_supervisor, request.user)
    if fmt not in FORMATS:
        raise Http404
    form = CallFilterForm(request.GET or {})
    if not form.is_valid():
        return _bad_filter(form)
    period = form.cleaned_data["period"]
    tables = donor_export.donor_tables(period, ReportSettings.load())
    heading = [
        _("Hotline statistics for partners and donors"),
        *exports.period_heading(period),
        *donor_export.donor_legend(),
    ]
    filename = _filename("donors", "summary", period)
    if fmt == "csv":
        return donor_export.donor_csv_response(tables, heading, filename)
    return exports.workbook_response(tables, heading, filename)


@login_required
def wallboard(request: HttpRequest) -> HttpResponse:
    require(is_supervisor, request.user)
    phone = supervision.phone_config(request)
    context = {"snapshot": wallboard_snapshot(), "phone": phone}
    response = render(request, "hotline_reports/wallboard.html", context)
    if phone is not None:
        # The supervisor's phone talks to Asterisk's WebSocket, not this origin.
        response._csp_update = {"connect-src": [phone["sip"]["ws_url"]]}
    return response
