"""Sign-in, the second factor, and a person's own sign-in settings."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline_accounts import idle, second_factor, sessions, signin
from hotline_accounts.forms import CodeForm, EnrolForm, SignInForm
from hotline_accounts.policy import second_factor_required
from hotline_audit.trail import Kind, record


class PasswordStep(auth_views.LoginView):
    """The first step; django-axes counts its failures and locks the name out."""

    redirect_authenticated_user = True
    authentication_form = SignInForm

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if not second_factor_required(user):
            return super().form_valid(form)
        signin.hold(self.request, user, self.get_success_url())
        if second_factor.has_phone_app(user):
            return redirect("accounts:code")
        return redirect("accounts:enrol")


def code_step(request: HttpRequest) -> HttpResponse:
    user = signin.pending_user(request)
    if user is None:
        messages.info(request, _("Sign in again, please: the first step has expired."))
        return redirect("login")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device = second_factor.verify(user, form.cleaned_data["code"])
        if device is not None:
            next_url = signin.pending_next(request)
            signin.complete(request, user, device)
            if device.name == second_factor.RECOVERY_CODES:
                left = second_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code; %(left)d are left. "
                        "Make new ones in your sign-in settings."
                    )
                    % {"left": left},
                )
            return HttpResponseRedirect(next_url)
        record(Kind.SIGN_IN_FAILED, request=request, detail=f"{user.get_username()}: second factor")
        form.add_error("code", _("This code is wrong or has expired. Try the newest one."))
    return render(request, "hotline_accounts/code.html", {"form": form})


def enrol(request: HttpRequest) -> HttpResponse:
    """Scan the QR code, type the first code the app shows: enrolled.

    Reached either between the two sign-in steps (supervisors and
    administrators without a device) or by a signed-in person who chooses to.
    """
    pending = signin.pending_user(request)
    user = pending or (request.user if request.user.is_authenticated else None)
    if user is None:
        return redirect("login")
    device = second_factor.pending_enrolment(user)
    form = EnrolForm(request.POST or None)
    if form.is_valid():
        codes = second_factor.confirm_enrolment(device, form.cleaned_data["code"])
        if codes is not None:
            next_url = signin.pending_next(request) if pending else reverse("accounts:settings")
            if pending:
                signin.complete(request, user, device)
            else:
                signin.verified_by(request, device)
            return render(
                request,
                "hotline_accounts/recovery_codes.html",
                {"codes": codes, "next_url": next_url},
            )
        form.add_error(
            "code", _("This code does not match. Check the phone's clock and try again.")
        )
    return render(
        request,
        "hotline_accounts/enrol.html",
        {
            "form": form,
            "qr": second_factor.enrolment_qr(device),
            "key": second_factor.enrolment_key(device),
            "required": pending is not None,
        },
    )


@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "hotline_accounts/settings.html",
        {
            "has_phone_app": second_factor.has_phone_app(request.user),
            "codes_left": second_factor.recovery_codes_left(request.user),
            "required": second_factor_required(request.user),
        },
    )


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if not request.user.is_verified():
        return redirect("accounts:settings")
    codes = second_factor.new_recovery_codes(request.user)
    return render(
        request,
        "hotline_accounts/recovery_codes.html",
        {"codes": codes, "next_url": reverse("accounts:settings")},
    )


class PasswordChange(auth_views.PasswordChangeView):
    """Changing the password ends every other session; this one carries on."""

    template_name = "hotline_accounts/password_change.html"
    success_url = reverse_lazy("accounts:settings")

    def form_valid(self, form):
        response = super().form_valid(form)
        sessions.remember(self.request, self.request.user)
        messages.success(self.request, _("Password changed. Every other session has ended."))
        return response


@require_POST
def keep_alive(request: HttpRequest) -> JsonResponse:
    """The desk asks every minute; the session stays alive only while the
    consultant is in the queue, waiting for calls."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    return JsonResponse({"signed_in": True, "kept_alive": idle.keep_alive_for_the_queue(request)})
