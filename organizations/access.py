"""Who may see and do what, where. Every selector and view asks this module; nothing else decides scope.

A role granted on a node covers that node's subtree (path prefix) and nothing above or beside it
(the Wagtail rule for page permissions). A tenant is a tree root, so a scope never crosses tenants.
Tenancy fails closed: a user with no active role sees nothing, superusers included (they use Django admin).
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from .models import Organization, Role, RoleAssignment


class Action(StrEnum):
    VIEW = "view"
    VIEW_SENSITIVE = "view_sensitive"
    EDIT_PLANS = "edit_plans"
    MANAGE_CANDIDATES = "manage_candidates"
    APPROVE = "approve"
    REQUEST_DOCUMENTS = "request_documents"
    MANAGE_MEMBER_COUNTS = "manage_member_counts"
    MANAGE_TREE = "manage_tree"
    MANAGE_ROLES = "manage_roles"


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.OFFICE_STAFF: frozenset(
        {
            Action.VIEW,
            Action.VIEW_SENSITIVE,
            Action.EDIT_PLANS,
            Action.MANAGE_CANDIDATES,
            Action.REQUEST_DOCUMENTS,
            Action.MANAGE_MEMBER_COUNTS,
        }
    ),
    Role.CELL_SECRETARY: frozenset(
        {Action.VIEW, Action.VIEW_SENSITIVE, Action.MANAGE_CANDIDATES, Action.REQUEST_DOCUMENTS}
    ),
    Role.REVIEW_BOARD: frozenset({Action.VIEW, Action.VIEW_SENSITIVE, Action.APPROVE, Action.REQUEST_DOCUMENTS}),
    # The administrator keeps the tree and the accounts; candidates' personal data is not theirs to read.
    Role.TENANT_ADMIN: frozenset({Action.VIEW, Action.MANAGE_TREE, Action.MANAGE_ROLES, Action.MANAGE_MEMBER_COUNTS}),
}


def subtree_q(paths: list[str], field: str = "organization__path") -> Q:
    """A filter for rows whose organization lies in one of the subtrees; no paths means no rows (fails closed)."""
    if not paths:
        return Q(pk__in=[])
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def _minimal_paths(paths: set[str]) -> list[str]:
    """Drop paths already covered by a shorter one, so filters stay small."""
    result: list[str] = []
    for path in sorted(paths, key=len):
        if not any(path.startswith(kept) for kept in result):
            result.append(path)
    return sorted(result)


class Access:
    """The scope of one user, loaded once per request (one query)."""

    def __init__(self, user):
        self.user = user
        if user is None or not user.is_authenticated:
            self.assignments: list[RoleAssignment] = []
        else:
            self.assignments = list(
                RoleAssignment.objects.active()
                .filter(user=user, organization__valid_to__isnull=True)
                .select_related("organization", "organization__kind")
                .order_by("organization__path", "role")
            )
        self._paths: dict[Action, list[str]] = {}

    def roles(self) -> set[str]:
        return {a.role for a in self.assignments}

    def paths(self, action: Action = Action.VIEW) -> list[str]:
        if action not in self._paths:
            self._paths[action] = _minimal_paths(
                {a.organization.path for a in self.assignments if action in ROLE_ACTIONS[a.role]}
            )
        return self._paths[action]

    def can(self, action: Action, organization: Organization) -> bool:
        return any(organization.path.startswith(p) for p in self.paths(action))

    def can_anywhere(self, action: Action) -> bool:
        return bool(self.paths(action))

    def tenant_ids(self) -> set[int]:
        return {a.organization.tenant_id for a in self.assignments}

    def organizations(self, action: Action = Action.VIEW):
        """Organizations the user may act on for `action`: the union of the subtrees of their roles."""
        return Organization.objects.under_paths(self.paths(action))

    def scope_q(self, action: Action = Action.VIEW, field: str = "organization__path") -> Q:
        """Filter for rows attached to an organization (through `field`) inside the user's scope for `action`."""
        return subtree_q(self.paths(action), field)

    def roots(self, action: Action = Action.VIEW) -> list[Organization]:
        """The highest nodes of the user's scope (their assignments, minus those covered by another)."""
        paths = set(self.paths(action))
        seen: dict[str, Organization] = {}
        for a in self.assignments:
            if a.organization.path in paths:
                seen[a.organization.path] = a.organization
        return [seen[p] for p in sorted(seen)]

    def get_organization(self, pk, action: Action = Action.VIEW) -> Organization:
        """The organization `pk` if it is in the user's scope: outside it 404, inside it without `action` 403."""
        try:
            organization = self.organizations(Action.VIEW).select_related("kind", "sector").get(pk=pk)
        except (Organization.DoesNotExist, ValueError, TypeError) as exc:
            raise Http404("Không tìm thấy tổ chức.") from exc
        self.require(action, organization)
        return organization

    def require(self, action: Action, organization: Organization) -> None:
        if not self.can(Action.VIEW, organization):
            raise Http404("Không tìm thấy tổ chức.")
        if not self.can(action, organization):
            raise PermissionDenied("Vai trò của đồng chí không được thực hiện thao tác này tại tổ chức này.")


def access_for(user) -> Access:
    """The Access of a user, cached on the user object for the length of the request."""
    cached = getattr(user, "_access_cache", None)
    if cached is None:
        cached = Access(user)
        if user is not None:
            user._access_cache = cached
    return cached
