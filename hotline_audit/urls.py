from django.urls import path

from hotline_audit import views

app_name = "hotline_audit"

urlpatterns = [
    path("", views.audit_list, name="list"),
    path("export.csv", views.audit_export, name="export"),
]
