from organizations.models import RoleAssignment
from tests.access.registry import UrlCase
from tests.factories import make_user


def _revoke(world, org):
    assignment = RoleAssignment.objects.create(user=make_user(), organization=org, role="office_staff")
    return [assignment.pk], {"back": org.pk}


CASES = {
    "home": UrlCase(None, lambda world, org: ([], None)),
    "workplace_switch": UrlCase(None, lambda world, org: ([], None)),
    "tree": UrlCase(None, lambda world, org: ([], None)),
    "tree_children": UrlCase("view"),
    "organization_detail": UrlCase("view"),
    "organization_add": UrlCase("manage_tree"),
    "organization_edit": UrlCase("manage_tree"),
    "organization_move": UrlCase("manage_tree"),
    "organization_dissolve": UrlCase("manage_tree"),
    "organization_roles": UrlCase("manage_roles"),
    "role_revoke": UrlCase("manage_roles", _revoke),
    "member_counts": UrlCase("view"),
    "audit_log": UrlCase("manage_tree"),
    "tree_import": UrlCase("manage_tree"),
    "tree_export": UrlCase("view"),
    "member_counts_import": UrlCase("manage_member_counts"),
    "member_counts_export": UrlCase("view"),
}
