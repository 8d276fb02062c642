from django.urls import path

from hotline_accounts import staff, views

app_name = "accounts"

urlpatterns = [
    path("login/code/", views.code_step, name="code"),
    path("login/enrol/", views.enrol, name="enrol"),
    path("account/", views.account_settings, name="settings"),
    path("account/password/", views.PasswordChange.as_view(), name="password"),
    path("account/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("account/keep-alive/", views.keep_alive, name="keep_alive"),
    path("account/staff/", staff.staff_list, name="staff"),
    path("account/staff/<int:user_id>/<slug:action>/", staff.staff_action, name="staff_action"),
]
