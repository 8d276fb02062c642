from django.contrib import admin

from hotline_reports.models import ReportSettings


@admin.register(ReportSettings)
class ReportSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "service_level_seconds", "age_band_set"]

    def has_add_permission(self, request) -> bool:
        # One row only: ReportSettings.load() creates it.
        return not ReportSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
