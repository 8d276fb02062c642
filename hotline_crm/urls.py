from django.urls import path

from hotline_crm import views

app_name = "hotline_crm"

urlpatterns = [
    path("", views.workspace, name="workspace"),
]
