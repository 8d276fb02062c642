"""The Django admin, opened by role: administrators (and superusers) only.

Supervisors and consultants work in the application's own pages; the admin
is where the NGO's administrator manages users, topics and settings. Gating
by role means nobody has to remember to tick `is_staff` for a new administrator.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class HotlineAdminSite(AdminSite):
    site_header = _("Hotline administration")
    site_title = _("Hotline administration")
    index_title = _("Settings and reference data")

    def has_permission(self, request: HttpRequest) -> bool:
        # Imported here: this module is loaded while the app registry is still filling.
        from hotline_crm.roles import is_administrator

        return request.user.is_active and is_administrator(request.user)

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        # One way in for everybody: the application's own sign-in, with its
        # second factor and lockout, not the admin's password-only form.
        query = urlencode({"next": request.GET.get("next", reverse("admin:index"))})
        return HttpResponseRedirect(f"{reverse('login')}?{query}")

    def admin_view(self, view, cacheable=False):
        """Every admin page an administrator opens leaves an audit row: cards,
        forms and calls are reachable here, so the admin is no back door."""
        checked = super().admin_view(view, cacheable)

        @wraps(view)
        def audited(request: HttpRequest, *args, **kwargs):
            try:
                response = checked(request, *args, **kwargs)
            except ObjectDoesNotExist:
                # Some third-party admin views (django-otp's device QR code)
                # look an id up with get(): a wrong id is a 404, not a 500.
                raise Http404 from None
            if self.has_permission(request):
                from hotline_audit.trail import Kind, record

                match = request.resolver_match
                record(
                    Kind.ADMIN_VIEW,
                    request=request,
                    detail=f"{request.method} {match.url_name if match else request.path} "
                    f"{kwargs.get('object_id', '')}".strip(),
                )
            return response

        return audited


class HotlineAdminConfig(AdminConfig):
    default_site = "hotline_crm.admin_site.HotlineAdminSite"
