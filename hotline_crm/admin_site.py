"""The Django admin, opened by role: administrators (and superusers) only.

Supervisors and consultants work in the application's own pages; the admin
is where the NGO's administrator manages users, topics and settings. Gating
by role means nobody has to remember to tick `is_staff` for a new administrator.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class HotlineAdminSite(AdminSite):
    site_header = _("Hotline administration")
    site_title = _("Hotline administration")
    index_title = _("Settings and reference data")

    def has_permission(self, request: HttpRequest) -> bool:
        # Imported here: this module is loaded while the app registry is still filling.
        from hotline_crm.roles import is_administrator

        return request.user.is_active and is_administrator(request.user)


class HotlineAdminConfig(AdminConfig):
    default_site = "hotline_crm.admin_site.HotlineAdminSite"
