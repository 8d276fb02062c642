"""The administrator's page of everyone who signs in: their second factor,
whether they are locked out, and the three things only an administrator may do
for them."""

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from hotline_accounts import services
from hotline_admin.views.access import administrator_required
from hotline_crm.roles import role_label


@administrator_required
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    enrolled = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    locked = services.locked_out_usernames()
    people = [
        {
            "user": user,
            "roles": ", ".join(role_label(group.name) for group in user.groups.all()),
            "enrolled": user.pk in enrolled,
            "locked": user.username in locked,
        }
        for user in User.objects.order_by("username").prefetch_related("groups")
    ]
    unknown_names = sorted(locked - {person["user"].username for person in people})
    return render(
        request,
        "hotline_accounts/staff.html",
        {"people": people, "unknown_names": unknown_names},
    )


@administrator_required
@require_POST
def staff_action(request: HttpRequest, user_id: int, action: str) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id)
    if action == "reset-second-factor":
        services.reset_second_factor(request, person)
        messages.success(
            request,
            _("%(name)s's second factor was removed; they enrol again at the next sign-in.")
            % {"name": person.get_username()},
        )
    elif action == "unlock":
        services.unlock(request, person.get_username())
        messages.success(
            request, _("%(name)s may sign in again.") % {"name": person.get_username()}
        )
    elif action == "sign-out":
        services.sign_out(request, person)
        messages.success(
            request, _("Every session of %(name)s has ended.") % {"name": person.get_username()}
        )
    else:
        return HttpResponse(status=404)
    return redirect("accounts:staff")
