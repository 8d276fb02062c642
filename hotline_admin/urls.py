from django.urls import path

from hotline_admin.views import (
    catalogue,
    consultants,
    data,
    index,
    outage,
    pbx_settings,
    prompts,
    status,
)

app_name = "hotline_admin"

urlpatterns = [
    path("", index.index, name="index"),
    path("consultants/", consultants.consultant_list, name="consultants"),
    path("consultants/new/", consultants.consultant_new, name="consultant_new"),
    path("consultants/<int:line_id>/", consultants.consultant_edit, name="consultant_edit"),
    path(
        "consultants/<int:line_id>/deactivate/",
        consultants.consultant_deactivate,
        name="consultant_deactivate",
    ),
    path(
        "consultants/<int:line_id>/reactivate/",
        consultants.consultant_reactivate,
        name="consultant_reactivate",
    ),
    path(
        "consultants/<int:line_id>/reset-phones/",
        consultants.consultant_reset_phones,
        name="consultant_reset_phones",
    ),
    path(
        "consultants/<int:line_id>/reset-login/",
        consultants.consultant_reset_login,
        name="consultant_reset_login",
    ),
    path(
        "consultants/<int:line_id>/credentials/",
        consultants.consultant_credentials,
        name="consultant_credentials",
    ),
    path("provisioning/<str:token>/", consultants.provisioning, name="provisioning"),
    path("numbers/", pbx_settings.number_list, name="numbers"),
    path("numbers/new/", pbx_settings.number_edit, name="number_new"),
    path("numbers/<int:trunk_id>/", pbx_settings.number_edit, name="number_edit"),
    path("hours/", pbx_settings.hours, name="hours"),
    path("hours/days/new/", pbx_settings.exception_edit, name="exception_new"),
    path("hours/days/<int:exception_id>/", pbx_settings.exception_edit, name="exception_edit"),
    path(
        "hours/days/<int:exception_id>/delete/",
        pbx_settings.exception_delete,
        name="exception_delete",
    ),
    path("queue/", pbx_settings.queue, name="queue"),
    path("prompts/", prompts.prompt_list, name="prompts"),
    path("prompts/<slug:name>/upload/", prompts.prompt_upload, name="prompt_upload"),
    path("prompts/<slug:name>/restore/", prompts.prompt_restore, name="prompt_restore"),
    path("prompts/<slug:name>/audio/", prompts.prompt_audio, name="prompt_audio"),
    path("topics/", catalogue.topic_list, name="topics"),
    path("topics/categories/new/", catalogue.category_edit, name="category_new"),
    path("topics/categories/<int:category_id>/", catalogue.category_edit, name="category_edit"),
    path("topics/new/", catalogue.topic_edit, name="topic_new"),
    path("topics/<int:topic_id>/", catalogue.topic_edit, name="topic_edit"),
    path("reports/", catalogue.report_settings, name="reports"),
    path("retention/", data.retention, name="retention"),
    path("outage-costs/", outage.outage_costs_page, name="outage_costs"),
    path("backups/", data.backups, name="backups"),
    path("backups/now/", data.backup_now, name="backup_now"),
    path("backups/restore/", data.restore, name="restore"),
    path("backups/key/new/", data.backup_key_new, name="backup_key_new"),
    path("backups/key/own/", data.backup_key_own, name="backup_key_own"),
    path("backups/<str:name>/", data.backup_download, name="backup_download"),
    path("backups/<str:name>/delete/", data.backup_delete, name="backup_delete"),
    path("status/", status.status_page, name="status"),
]
