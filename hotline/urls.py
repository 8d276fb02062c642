from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from hotline_accounts.views import PasswordStep

urlpatterns = [
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path("login/", PasswordStep.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("hotline_accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("reports/", include("hotline_reports.urls")),
    path("audit/", include("hotline_audit.urls")),
    path("settings/", include("hotline_admin.urls")),
    path("", include("hotline_workspace.urls")),
    path("", include("hotline_crm.urls")),
]

handler403 = "hotline.errors.permission_denied"
handler404 = "hotline.errors.page_not_found"
