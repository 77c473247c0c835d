"""Django admin: the national holiday calendar for superusers. Candidates' files are kept out of admin on purpose
(sensitive personal data is shown only through the product's pages, which log who saw it)."""

from django.contrib import admin

from .models import Holiday
from .workdays import calendar_changed


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "is_working_day", "tenant", "basis")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"
    raw_id_fields = ("tenant", "created_by")

    def has_module_permission(self, request):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        calendar_changed(obj.tenant_id)

    def delete_model(self, request, obj):
        tenant_id = obj.tenant_id
        super().delete_model(request, obj)
        calendar_changed(tenant_id)
