from django.contrib import admin
from django.http import HttpRequest

from hotline_crm.models import (
    Client,
    ClientAccess,
    ClientPhone,
    Consultation,
    Topic,
    TopicCategory,
)


class TopicInline(admin.TabularInline):
    model = Topic
    fields = ["name", "name_en", "code", "order", "is_active"]
    extra = 1


@admin.register(TopicCategory)
class TopicCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "kind", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "name_en", "code"]
    inlines = [TopicInline]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "category", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["category__kind", "category", "is_active"]
    search_fields = ["name", "name_en", "code"]


class ClientPhoneInline(admin.TabularInline):
    model = ClientPhone
    fields = ["number", "raw", "is_e164", "label"]
    readonly_fields = ["raw", "is_e164"]
    extra = 0


class NoDeletion:
    """Cards and forms are anonymised by the retention job, never deleted by hand:
    a deleted form would silently change past statistics."""

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Client)
class ClientAdmin(NoDeletion, admin.ModelAdmin):
    list_display = ["__str__", "oblast", "settlement_type", "created_at", "last_contact_at"]
    list_filter = ["oblast", "settlement_type", "gender", "is_abusive"]
    search_fields = ["name", "phones__number"]
    readonly_fields = ["created_by", "created_at", "updated_at", "anonymised_at"]
    inlines = [ClientPhoneInline]


@admin.register(Consultation)
class ConsultationAdmin(NoDeletion, admin.ModelAdmin):
    list_display = ["__str__", "client", "consultant", "outcome", "created_at"]
    list_filter = ["outcome", "caller_relation", "topics__category"]
    date_hierarchy = "created_at"
    raw_id_fields = ["client"]
    filter_horizontal = ["topics"]
    readonly_fields = [
        "snapshot_age",
        "snapshot_age_status",
        "snapshot_gender",
        "snapshot_oblast",
        "snapshot_settlement_type",
        "created_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Forms are written in the workspace, where the snapshot is taken.
        return False


@admin.register(ClientAccess)
class ClientAccessAdmin(admin.ModelAdmin):
    """The audit trail of who opened which card: read-only."""

    list_display = ["user", "client", "reason", "granted_at"]
    list_filter = ["reason"]
    search_fields = ["user__username", "client__name"]
    date_hierarchy = "granted_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
