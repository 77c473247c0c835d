import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from organizations.access import Access, Action
from organizations.models import Organization, Role

from ..factories import grant, make_user


def test_access_role_covers_subtree_and_nothing_above_or_beside(world):
    access = Access(world.users["office_staff"])
    visible = set(access.organizations().values_list("code", flat=True))
    assert visible == {"KADO", "PRO", "PRO-GV1", "PRO-GV2"}
    assert access.can(Action.EDIT_PLANS, world.cell)
    assert not access.can(Action.VIEW, world.root)
    assert not access.can(Action.VIEW, world.other_commune)
    assert not access.can(Action.VIEW, world.commune_b)


def test_access_never_crosses_tenants_even_for_tenant_admin(world):
    access = Access(world.users["tenant_admin"])
    tenants = set(access.organizations().values_list("tenant_id", flat=True))
    assert tenants == {world.root.pk}


def test_access_get_organization_is_404_outside_and_403_for_a_forbidden_action(world):
    access = Access(world.users["cell_secretary"])
    with pytest.raises(Http404):
        access.get_organization(world.sibling_cell.pk)
    with pytest.raises(Http404):
        access.get_organization(world.cell_b.pk)
    with pytest.raises(PermissionDenied):
        access.get_organization(world.cell.pk, Action.MANAGE_TREE)
    assert access.get_organization(world.cell.pk, Action.MANAGE_CANDIDATES) == world.cell


def test_access_fails_closed_without_roles_even_for_superusers(world):
    superuser = make_user("sieu")
    superuser.is_superuser = True
    superuser.save()
    assert Access(superuser).organizations().count() == 0
    assert Access(world.users["nobody"]).organizations().count() == 0


def test_access_ignores_revoked_roles_and_dissolved_nodes(world):
    from django.utils import timezone

    user = make_user()
    assignment = grant(user, world.other_commune, Role.OFFICE_STAFF)
    assert Access(user).can(Action.VIEW, world.other_cell)
    assignment.revoked_at = timezone.now()
    assignment.save()
    assert not Access(user).can(Action.VIEW, world.other_cell)


def test_access_several_roles_union_their_subtrees(world):
    user = make_user()
    grant(user, world.cell, Role.CELL_SECRETARY)
    grant(user, world.other_commune, Role.REVIEW_BOARD)
    access = Access(user)
    assert access.can(Action.MANAGE_CANDIDATES, world.cell)
    assert not access.can(Action.MANAGE_CANDIDATES, world.other_cell)
    assert access.can(Action.APPROVE, world.other_cell)
    assert {o.code for o in access.roots()} == {"PRO-GV1", "LACXUAN"}


def test_access_minimal_paths_collapse_nested_roles(world):
    user = make_user()
    grant(user, world.commune, Role.OFFICE_STAFF)
    grant(user, world.cell, Role.OFFICE_STAFF)
    assert Access(user).paths(Action.VIEW) == [world.commune.path]
    assert Organization.objects.filter(pk=world.cell.pk).exists()
