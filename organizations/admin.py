"""Django admin: open to superusers; for other staff accounts every list is limited to their tenant's subtree."""

from django.contrib import admin

from .access import Action, access_for
from .models import AuditEvent, MemberCountSnapshot, Organization, OrganizationKind, RoleAssignment, Sector


class ScopedAdminMixin:
    """Superusers see everything; a tenant administrator (staff) reads the rows of their subtree, nothing else.

    Edits by non-superusers go through the product's pages (services with audit), so admin is read-only for them.
    """

    scope_field = "organization"

    def _is_tenant_admin(self, request) -> bool:
        return request.user.is_active and access_for(request.user).can_anywhere(Action.MANAGE_TREE)

    def has_module_permission(self, request):
        return request.user.is_superuser or self._is_tenant_admin(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or self._is_tenant_admin(request)

    def has_add_permission(self, request, *args):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        paths = access_for(request.user).paths(Action.MANAGE_TREE)
        if not paths:
            return qs.none()
        from django.db.models import Q

        condition = Q()
        for p in paths:
            condition |= Q(
                **{f"{self.scope_field}__path__startswith": p} if self.scope_field else {"path__startswith": p}
            )
        return qs.filter(condition)


@admin.register(Organization)
class OrganizationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Tree edits (add, move, merge) go through the product's pages, which keep paths and audit consistent."""

    scope_field = ""
    ordering = ("path",)
    readonly_fields = ("path", "depth", "numchild", "tenant")
    list_display = ("name", "code", "kind", "issuer_code", "depth", "valid_to")
    search_fields = ("name", "code")
    list_select_related = ("kind",)
    raw_id_fields = ("successor",)

    def has_add_permission(self, request, *args):
        return False


@admin.register(MemberCountSnapshot)
class MemberCountSnapshotAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("organization", "as_of", "members")
    list_select_related = ("organization",)
    raw_id_fields = ("organization",)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "role", "organization", "granted_at", "revoked_at")
    list_select_related = ("user", "organization")
    raw_id_fields = ("user", "organization", "granted_by")


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "actor", "kind", "summary")
    list_select_related = ("actor", "organization")

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OrganizationKind)
class OrganizationKindAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "default_issuer_code", "is_base", "is_cell", "historical", "tenant")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(tenant_id__in=access_for(request.user).tenant_ids())


@admin.register(Sector)
class SectorAdmin(OrganizationKindAdmin):
    list_display = ("name", "code", "tenant")
