from django.contrib import admin
from django.http import HttpRequest

from hotline_audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only for everyone, administrators included."""

    list_display = ["at", "username", "ip_address", "kind", "object_type", "object_id", "client_id"]
    list_filter = ["kind"]
    search_fields = ["username", "object_id", "detail"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
