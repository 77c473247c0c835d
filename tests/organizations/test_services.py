import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from config.errors import ApplicationError
from organizations import services
from organizations.models import AuditEvent, Organization, RoleAssignment

from ..factories import kind


def _refresh(*orgs):
    for org in orgs:
        org.refresh_from_db()


def test_organization_create_adds_child_with_audit(world):
    admin = world.users["tenant_admin"]
    child = services.organization_create(
        actor=admin, parent=world.base, name="  Chi bộ  Học sinh ", code="PRO-HS", kind=kind("chi-bo")
    )
    assert child.name == "Chi bộ Học sinh"
    assert child.tenant_id == world.root.pk
    assert child.path.startswith(world.base.path) and child.depth == world.base.depth + 1
    assert child.issuer_code == "CB"  # default of the kind
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ORG_CREATED)
    assert event.actor == admin and event.organization == child


def test_organization_create_refuses_duplicate_code_in_tenant_but_not_across_tenants(world):
    admin = world.users["tenant_admin"]
    with pytest.raises(ApplicationError) as error:
        services.organization_create(actor=admin, parent=world.base, name="X", code="LX-DT", kind=kind("chi-bo"))
    assert "đã được dùng" in error.value.errors["code"][0]
    # The same code in another tenant is fine.
    services.organization_create(
        actor=world.users["tenant_admin_b"], parent=world.commune_b, name="Chi bộ 2", code="LX-DT", kind=kind("chi-bo")
    )


def test_organization_create_requires_manage_tree_in_scope(world):
    with pytest.raises(PermissionDenied):
        services.organization_create(
            actor=world.users["office_staff"], parent=world.base, name="X", code="X1", kind=kind("chi-bo")
        )
    with pytest.raises(Http404):
        services.organization_create(
            actor=world.users["tenant_admin_b"], parent=world.base, name="X", code="X1", kind=kind("chi-bo")
        )


def test_organization_update_records_old_and_new_values(world):
    services.organization_update(actor=world.users["tenant_admin"], organization=world.cell, name="Chi bộ Giáo viên A")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ORG_UPDATED)
    assert event.data["name"] == ["Chi bộ Giáo viên 1", "Chi bộ Giáo viên A"]


def test_organization_move_carries_subtree_and_refuses_cycles(world):
    admin = world.users["tenant_admin"]
    services.organization_move(actor=admin, organization=world.base, new_parent=world.other_commune)
    _refresh(world.base, world.cell, world.commune, world.other_commune)
    assert world.base.path.startswith(world.other_commune.path)
    assert world.cell.path.startswith(world.base.path)
    assert world.commune.numchild == 0 and world.other_commune.numchild == 2
    with pytest.raises(ApplicationError, match="chính nó"):
        services.organization_move(actor=admin, organization=world.base, new_parent=world.cell)


def test_organization_move_refuses_another_tenant(world):
    with pytest.raises(Http404):
        services.organization_move(
            actor=world.users["tenant_admin"], organization=world.base, new_parent=world.commune_b
        )


def test_organization_dissolve_merge_moves_children_and_keeps_history(world):
    admin = world.users["tenant_admin"]
    services.organization_dissolve(
        actor=admin,
        organization=world.commune,
        on=dt.date(2025, 7, 1),
        successor=world.other_commune,
        reason="Sáp nhập",
    )
    _refresh(world.commune, world.base, world.other_commune)
    assert world.commune.valid_to == dt.date(2025, 7, 1)
    assert world.commune.successor == world.other_commune
    assert world.base.path.startswith(world.other_commune.path)
    # Roles on the dissolved node end with it.
    assert not RoleAssignment.objects.active().filter(organization=world.commune).exists()
    assert Organization.objects.filter(pk=world.commune.pk).exists()


def test_organization_dissolve_without_successor_refuses_when_children_remain(world):
    with pytest.raises(ApplicationError, match="tổ chức kế thừa"):
        services.organization_dissolve(
            actor=world.users["tenant_admin"], organization=world.base, on=dt.date(2025, 7, 1)
        )
    services.organization_dissolve(actor=world.users["tenant_admin"], organization=world.cell, on=dt.date(2025, 7, 1))


def test_role_grant_creates_account_and_refuses_accounts_of_other_tenants(world):
    admin = world.users["tenant_admin"]
    assignment = services.role_grant(
        actor=admin,
        organization=world.other_cell,
        role="cell_secretary",
        username="bithu_dongthanh",
        full_name="Nguyễn Văn An",
        password="matkhau-moi-123",
    )
    assert assignment.user.first_name == "An" and assignment.user.check_password("matkhau-moi-123")
    with pytest.raises(ApplicationError, match="đã được dùng"):
        services.role_grant(actor=admin, organization=world.other_cell, role="cell_secretary", username="quantri_hn")
    with pytest.raises(ApplicationError, match="đã có vai trò"):
        services.role_grant(
            actor=admin, organization=world.other_cell, role="cell_secretary", username="bithu_dongthanh"
        )


def test_role_revoke_keeps_the_row_and_logs(world):
    admin = world.users["tenant_admin"]
    assignment = RoleAssignment.objects.get(user=world.users["cell_secretary"])
    services.role_revoke(actor=admin, assignment=assignment)
    assignment.refresh_from_db()
    assert assignment.revoked_at is not None
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ROLE_REVOKED).count() == 1
    own = RoleAssignment.objects.get(user=admin)
    with pytest.raises(ApplicationError):
        services.role_revoke(actor=admin, assignment=own)


def test_member_count_record_updates_the_same_date(world):
    staff = world.users["office_staff"]
    services.member_count_record(actor=staff, organization=world.cell, as_of=dt.date(2024, 12, 31), members=12)
    services.member_count_record(actor=staff, organization=world.cell, as_of=dt.date(2024, 12, 31), members=14)
    assert world.cell.member_counts.get().members == 14
    with pytest.raises(ApplicationError):
        services.member_count_record(
            actor=staff, organization=world.cell, as_of=dt.date(2024, 12, 31), members=5, probationary=6
        )
    with pytest.raises(PermissionDenied):
        services.member_count_record(
            actor=world.users["cell_secretary"], organization=world.cell, as_of=dt.date(2024, 12, 31), members=1
        )


def test_create_tenant_command_refuses_duplicates(db):
    from django.core.management import CommandError, call_command

    call_command("create_tenant", name="Tỉnh ủy Gia Lai", code="GL")
    root = Organization.objects.get(code="GL")
    assert root.tenant_id == root.pk and root.depth == 1
    with pytest.raises(CommandError, match="Đã có đảng bộ"):
        call_command("create_tenant", name="Tỉnh ủy Gia Lai 2", code="GL")
