from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hotline_admin import consultants, qr
from hotline_admin.forms import ConsultantForm, NewConsultantForm
from hotline_admin.pbx import apply_and_report
from hotline_admin.views.access import administrator_required
from hotline_asterisk_connector.models import ConsultantLine
from hotline_crm.roles import Role

SESSION_KEY = "hotline_admin.credentials"


def _lines():
    return ConsultantLine.objects.select_related("user").prefetch_related("user__groups")


@administrator_required
@require_GET
def consultant_list(request: HttpRequest) -> HttpResponse:
    lines = _lines().order_by("-user__is_active", "extension")
    rows = [(line, consultants.role_of(line.user)) for line in lines]
    return render(request, "hotline_admin/consultant_list.html", {"rows": rows})


@administrator_required
def consultant_new(request: HttpRequest) -> HttpResponse:
    form = NewConsultantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        line, credentials = consultants.create_consultant(
            username=data["username"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            role=Role(data["role"]),
            mobile_number=data["mobile_number"],
            forward_to_mobile=data["forward_to_mobile"],
            in_queue=data["in_queue"],
            penalty=data["penalty"],
        )
        apply_and_report(request, _("New consultant %(name)s") % {"name": line.user.username})
        return _show_credentials_once(request, line, credentials)
    return render(request, "hotline_admin/consultant_form.html", {"form": form, "line": None})


@administrator_required
def consultant_edit(request: HttpRequest, line_id: int) -> HttpResponse:
    line = get_object_or_404(_lines(), pk=line_id)
    initial = ConsultantForm.initial_for(line, consultants.role_of(line.user))
    form = ConsultantForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        role = Role(data.pop("role"))
        consultants.update_consultant(line, role=role, **data)
        apply_and_report(request, _("Consultant %(name)s changed") % {"name": line.user.username})
        return redirect("hotline_admin:consultants")
    return render(request, "hotline_admin/consultant_form.html", {"form": form, "line": line})


@administrator_required
@require_POST
def consultant_deactivate(request: HttpRequest, line_id: int) -> HttpResponse:
    line = get_object_or_404(_lines(), pk=line_id)
    if line.user == request.user:
        messages.error(request, _("You cannot deactivate your own account."))
        return redirect("hotline_admin:consultants")
    consultants.deactivate_consultant(line)
    apply_and_report(request, _("Consultant %(name)s deactivated") % {"name": line.user.username})
    return redirect("hotline_admin:consultants")


@administrator_required
@require_POST
def consultant_reactivate(request: HttpRequest, line_id: int) -> HttpResponse:
    line = get_object_or_404(_lines(), pk=line_id)
    consultants.reactivate_consultant(line)
    apply_and_report(request, _("Consultant %(name)s reactivated") % {"name": line.user.username})
    return redirect("hotline_admin:consultants")


@administrator_required
@require_POST
def consultant_reset_phones(request: HttpRequest, line_id: int) -> HttpResponse:
    line = get_object_or_404(_lines(), pk=line_id)
    credentials = consultants.reset_phone_credentials(line)
    apply_and_report(request, _("New phone passwords for %(name)s") % {"name": line.user.username})
    return _show_credentials_once(request, line, credentials)


@administrator_required
@require_POST
def consultant_reset_login(request: HttpRequest, line_id: int) -> HttpResponse:
    line = get_object_or_404(_lines(), pk=line_id)
    credentials = consultants.reset_login_password(line)
    return _show_credentials_once(request, line, credentials)


def _show_credentials_once(
    request: HttpRequest, line: ConsultantLine, credentials: consultants.Credentials
) -> HttpResponse:
    request.session[SESSION_KEY] = {"line": line.pk, **credentials.as_session()}
    return redirect("hotline_admin:consultant_credentials", line_id=line.pk)


@administrator_required
@require_GET
def consultant_credentials(request: HttpRequest, line_id: int) -> HttpResponse:
    """The new secrets, once: the session forgets them as this page is rendered."""
    line = get_object_or_404(_lines(), pk=line_id)
    shown = request.session.get(SESSION_KEY)
    if not shown or shown.get("line") != line.pk:
        return render(request, "hotline_admin/credentials_gone.html", {"line": line}, status=410)
    del request.session[SESSION_KEY]
    credentials = consultants.Credentials(**{k: v for k, v in shown.items() if k != "line"})
    server = phone_server(request)
    provisioning_url = ""
    qr_svg = ""
    if credentials.provisioning_token:
        provisioning_url = request.build_absolute_uri(
            reverse("hotline_admin:provisioning", args=[credentials.provisioning_token])
        )
        qr_svg = qr.svg(provisioning_url)
    response = render(
        request,
        "hotline_admin/credentials.html",
        {
            "line": line,
            "credentials": credentials,
            "server": server,
            "provisioning_url": provisioning_url,
            "qr_svg": qr_svg,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def phone_server(request: HttpRequest) -> dict[str, str]:
    """Where a smartphone app registers: the public SIP address of this installation."""
    host = settings.HOTLINE_SIP_PUBLIC_HOST or request.get_host().rsplit(":", 1)[0]
    return {
        "host": host.strip("[]"),
        "port": str(settings.HOTLINE_SIP_PUBLIC_PORT),
        "transport": settings.HOTLINE_SIP_PUBLIC_TRANSPORT,
    }


@require_GET
def provisioning(request: HttpRequest, token: str) -> HttpResponse:
    """The smartphone app's account as Linphone's remote provisioning XML, for one fetch.

    No login: the phone has none. The unguessable one-time token is the
    credential, and it expires in a day.
    """
    line = consultants.claim_provisioning_link(token)
    if line is None:
        raise Http404
    response = render(
        request,
        "hotline_admin/linphone.xml",
        {"line": line, "server": phone_server(request)},
        content_type="application/xml; charset=utf-8",
    )
    response["Cache-Control"] = "no-store"
    return response
