"""Every read of the tree that a page needs, scoped through organizations.access."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, QuerySet, Subquery

from .access import Access, Action, access_for
from .models import AuditEvent, MemberCountSnapshot, Organization, OrganizationKind, RoleAssignment, Sector


def _with_member_count(queryset: QuerySet) -> QuerySet:
    latest = MemberCountSnapshot.objects.filter(organization=OuterRef("pk")).order_by("-as_of")
    return queryset.annotate(
        members=Subquery(latest.values("members")[:1]),
        members_as_of=Subquery(latest.values("as_of")[:1]),
    )


def organization_get(*, user, pk, action: Action = Action.VIEW) -> Organization:
    """The organization `pk` within the user's scope (404 outside it, 403 without `action`)."""
    return access_for(user).get_organization(pk, action)


def organization_breadcrumb(*, user, organization: Organization) -> list[Organization]:
    """The chain from the highest node the user's scope covers down to `organization`.

    Ancestors above the user's scope are not shown: a role covers its subtree and nothing above it.
    """
    access = access_for(user)
    paths = [p for p in organization.ancestor_paths() if any(p.startswith(s) for s in access.paths())]
    ancestors = list(Organization.objects.filter(path__in=paths).order_by("depth").only("id", "name", "path", "depth"))
    return [*ancestors, organization]


def organization_tree_roots(*, user) -> list[Organization]:
    """The top nodes of the user's tree page, with their member counts (one query)."""
    access = access_for(user)
    roots = access.roots()
    if not roots:
        return []
    return list(
        _with_member_count(Organization.objects.filter(pk__in=[r.pk for r in roots]))
        .select_related("kind")
        .order_by("path")
    )


def organization_children(*, user, organization: Organization) -> list[Organization]:
    """Direct children of a node the user may view, with member counts; constant queries whatever the size."""
    access_for(user).require(Action.VIEW, organization)
    return list(
        _with_member_count(
            Organization.objects.filter(path__startswith=organization.path, depth=organization.depth + 1)
        )
        .select_related("kind", "sector")
        .order_by("path")
    )


def organization_subtree(*, user, organization: Organization, max_depth: int) -> list[Organization]:
    """The node's descendants down to `max_depth` levels below it, in tree order, with member counts."""
    access_for(user).require(Action.VIEW, organization)
    return list(
        _with_member_count(
            Organization.objects.filter(
                path__startswith=organization.path,
                depth__gt=organization.depth,
                depth__lte=organization.depth + max_depth,
            )
        )
        .select_related("kind")
        .order_by("path")
    )


def organization_search(*, user, text: str, limit: int = 50) -> list[Organization]:
    """Organizations in the user's scope whose name or code matches `text` without regard to accents."""
    return list(
        _with_member_count(access_for(user).organizations().search(text))
        .select_related("kind")
        .order_by("path")[:limit]
    )


def organization_summary(*, user, organization: Organization) -> dict:
    """Counts shown on an organization page: nodes below by kind, cells, latest member count."""
    access_for(user).require(Action.VIEW, organization)
    from django.db.models import Count

    by_kind = list(
        Organization.objects.filter(path__startswith=organization.path, depth__gt=organization.depth)
        .values("kind__name", "kind__sort_order")
        .annotate(n=Count("id"))
        .order_by("kind__sort_order", "kind__name")
    )
    return {"by_kind": by_kind, "total_below": sum(row["n"] for row in by_kind)}


def member_counts_of(*, user, organization: Organization) -> QuerySet:
    access_for(user).require(Action.VIEW, organization)
    return MemberCountSnapshot.objects.filter(organization=organization).order_by("-as_of")


def role_assignments_under(*, user, organization: Organization) -> QuerySet:
    """Active role assignments on the node and below it, for an administrator covering the node."""
    access_for(user).require(Action.MANAGE_ROLES, organization)
    return (
        RoleAssignment.objects.active()
        .filter(organization__path__startswith=organization.path)
        .select_related("user", "organization")
        .order_by("organization__path", "user__username")
    )


def users_of_tenant(*, user, organization: Organization) -> QuerySet:
    """Accounts that hold or held a role in the node's tenant; accounts of other tenants are never listed."""
    access_for(user).require(Action.MANAGE_ROLES, organization)
    in_tenant = RoleAssignment.objects.filter(organization__tenant_id=organization.tenant_id).values("user_id")
    return get_user_model().objects.filter(pk__in=in_tenant).order_by("username")


def kinds_for(*, organization: Organization) -> QuerySet:
    return OrganizationKind.objects.for_tenant(organization.tenant_id)


def sectors_for(*, organization: Organization) -> QuerySet:
    return Sector.objects.for_tenant(organization.tenant_id)


def audit_events_under(*, user, organization: Organization, limit: int = 100) -> list[AuditEvent]:
    access_for(user).require(Action.VIEW, organization)
    return list(
        AuditEvent.objects.filter(organization__path__startswith=organization.path)
        .select_related("actor", "organization")
        .order_by("-created_at", "-id")[:limit]
    )


def access_of(user) -> Access:
    return access_for(user)


def role_assignment_get(*, user, pk) -> RoleAssignment:
    """An active role assignment on an organization the user may view (404 otherwise); revoking it needs
    MANAGE_ROLES, which the service checks (403)."""
    visible = RoleAssignment.objects.active().filter(access_for(user).scope_q(Action.VIEW))
    try:
        return visible.select_related("organization", "user").get(pk=pk)
    except (RoleAssignment.DoesNotExist, ValueError, TypeError) as exc:
        from django.http import Http404

        raise Http404("Không tìm thấy vai trò.") from exc
