from django.urls import path

from hotline_reports import supervision, views

app_name = "hotline_reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("calls/", views.calls, name="calls"),
    path("consultations/", views.consultations, name="consultations"),
    path("me/", views.mine, name="me"),
    path("wallboard/", views.wallboard, name="wallboard"),
    path("wallboard/supervise/", supervision.supervise_call, name="supervise"),
    path("donors.<str:fmt>", views.donors, name="donors"),
    path("export/<str:page_key>.xlsx", views.export_page, name="export_page"),
    path(
        "export/<str:page_key>/<str:table_key>.<str:fmt>", views.export_table, name="export_table"
    ),
]
