"""Django admin for planning: read-only lists for tenant administrators (scoped), full access for superusers.

Plans are written through the product's pages (services with events); admin is for inspection and support.
"""

from django.contrib import admin

from organizations.admin import ScopedAdminMixin

from .models import CommitteeTerm, DocumentNumber, Metric, Plan, PlanEvent


@admin.register(Plan)
class PlanAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_field = "issuer"
    list_display = ("title", "issuer", "kind", "start_year", "end_year", "status", "version")
    list_filter = ("status", "kind")
    list_select_related = ("issuer",)
    raw_id_fields = ("issuer", "tenant", "parent_plan", "previous_version", "number", "created_by")
    search_fields = ("title",)


@admin.register(PlanEvent)
class PlanEventAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_field = "plan__issuer"
    list_display = ("created_at", "plan", "actor", "kind", "summary")
    list_select_related = ("plan", "actor")
    raw_id_fields = ("plan", "actor")


@admin.register(DocumentNumber)
class DocumentNumberAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_field = "issuer"
    list_display = ("__str__", "issuer", "term_name", "dated", "subject", "reserved_by")
    list_select_related = ("issuer", "reserved_by")
    raw_id_fields = ("issuer", "reserved_by")


@admin.register(CommitteeTerm)
class CommitteeTermAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("organization", "name", "start", "end")
    list_select_related = ("organization",)
    raw_id_fields = ("organization",)


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "unit", "tenant", "sort_order")
    raw_id_fields = ("tenant",)
