from django.urls import path

from hotline_crm import views

app_name = "hotline_crm"

urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("clients/new/", views.client_create, name="client_create"),
    path("clients/break-glass/", views.break_glass, name="break_glass"),
    path("clients/<int:pk>/", views.client_detail, name="client_detail"),
    path("clients/<int:pk>/edit/", views.client_edit, name="client_edit"),
    path(
        "clients/<int:client_pk>/consultations/new/",
        views.consultation_create,
        name="consultation_create",
    ),
    path("consultations/", views.consultation_list, name="consultation_list"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation_detail"),
    path("consultations/<int:pk>/edit/", views.consultation_edit, name="consultation_edit"),
]
