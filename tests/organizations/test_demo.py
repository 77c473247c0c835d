import datetime as dt
import io
from collections import Counter

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from organizations.demo import DEMO_USERS, DON_DUONG_BASE_ORGANIZATIONS, PHUC_TIEN_NAMED_CELLS, demo_load
from organizations.models import AuditEvent, MemberCountSnapshot, Organization, RoleAssignment

from ..factories import make_tenant

END_2023 = dt.date(2023, 12, 31)
END_2024 = dt.date(2024, 12, 31)

# Seed 002, annex of the 2025 plan, in its order (the apostrophe of D’Ran is U+2019, as in the seed).
SEED_002_BASE_ORGANIZATIONS = [
    "Đảng bộ Công an huyện",
    "Đảng bộ thị trấn Thạnh Mỹ",
    "Đảng bộ thị trấn D\u2019Ran",
    "Đảng bộ xã Đạ Ròn",
    "Đảng bộ xã Ka Đô",
    "Đảng bộ xã Ka Đơn",
    "Đảng bộ xã Lạc Lâm",
    "Đảng bộ xã Lạc Xuân",
    "Đảng bộ xã Quảng Lập",
    "Đảng bộ xã Tu Tra",
    "Chi bộ Trường THPT Đơn Dương",
    "Chi bộ Trường THPT Hùng Vương",
    "Chi bộ Trường THPT Lê Lợi",
    "Chi bộ Trường THPT Pró",
    "Chi bộ Trường Phổ thông Dân tộc Nội trú THCS Đơn Dương",
]


@pytest.fixture
def demo(db):
    return demo_load()


def _children(organization: Organization):
    return Organization.objects.filter(path__startswith=organization.path, depth=organization.depth + 1).order_by(
        "path"
    )


def _parent(organization: Organization) -> Organization:
    return Organization.objects.get(path=organization.path[: -Organization.steplen])


def _members(organization: Organization, day: dt.date) -> int:
    return MemberCountSnapshot.objects.get(organization=organization, as_of=day).members


def test_demo_don_duong_has_the_fifteen_base_organizations_of_seed_002_in_order(demo):
    district = Organization.objects.get(name="Huyện ủy Đơn Dương")
    assert district.kind.code == "huyen-uy"
    assert district.issuer_code == "HU"
    assert district.place_name == "Đơn Dương"
    assert _parent(district).name == "Tỉnh ủy Lâm Đồng"
    children = list(_children(district).select_related("kind"))
    assert [child.name for child in children] == SEED_002_BASE_ORGANIZATIONS
    assert [name for name, _quota in DON_DUONG_BASE_ORGANIZATIONS] == SEED_002_BASE_ORGANIZATIONS
    kinds = {child.name: child.kind.code for child in children}
    assert kinds["Đảng bộ xã Ka Đô"] == "dang-bo-co-so"
    assert kinds["Chi bộ Trường THPT Pró"] == "chi-bo-co-so"


def test_demo_communes_and_towns_have_eight_to_fourteen_village_cells(demo):
    district = Organization.objects.get(name="Huyện ủy Đơn Dương")
    localities = [child for child in _children(district) if " xã " in child.name or "thị trấn" in child.name]
    assert len(localities) == 9
    for locality in localities:
        names = list(_children(locality).values_list("name", flat=True))
        villages = [name for name in names if name.startswith(("Chi bộ thôn ", "Chi bộ Tổ dân phố "))]
        assert 8 <= len(villages) <= 14, locality.name
        assert len(names) > len(villages), "schools and agencies too"


def test_demo_commune_of_seed_000_has_seventeen_cells_including_the_eight_named(demo):
    commune = Organization.objects.get(name="Đảng ủy xã Phúc Tiên")
    assert commune.kind.code == "dang-uy-xa"
    assert _parent(commune).name == "Tỉnh ủy Lâm Đồng"
    cells = list(_children(commune).select_related("kind"))
    assert len(cells) == 17
    assert all(cell.kind.code == "chi-bo" for cell in cells)
    names = {cell.name for cell in cells}
    assert set(PHUC_TIEN_NAMED_CELLS) <= names
    assert "Chi bộ thôn Phúc Lập" in names and "Chi bộ thôn Tân Tiên" in names


def test_demo_lao_cai_bloc_has_5465_members_at_end_of_2023(demo):
    bloc = Organization.objects.get(name="Đảng ủy Khối Cơ quan - Doanh nghiệp tỉnh")
    assert bloc.kind.code == "dang-uy-khoi"
    assert bloc.issuer_code == "ĐUK"
    assert _members(bloc, END_2023) == 5465
    sectors = set(
        Organization.objects.filter(path__startswith=bloc.path, depth=bloc.depth + 1).values_list(
            "sector__code", flat=True
        )
    )
    assert {"hanh-chinh", "doanh-nghiep-nha-nuoc", "kinh-te-tu-nhan"} <= sectors


def test_demo_committee_snapshots_equal_the_sum_of_their_cells(demo):
    organizations = list(Organization.objects.select_related("kind"))
    assert {o.pk for o in organizations} == set(
        MemberCountSnapshot.objects.filter(as_of=END_2023).values_list("organization_id", flat=True)
    )
    for day in (END_2023, END_2024):
        counts = dict(MemberCountSnapshot.objects.filter(as_of=day).values_list("organization__path", "members"))
        cells = [o for o in organizations if o.kind.is_cell]
        for organization in organizations:
            if organization.kind.is_cell:
                continue
            expected = sum(counts[c.path] for c in cells if c.path.startswith(organization.path))
            assert counts[organization.path] == expected, (organization.name, day)
    assert MemberCountSnapshot.objects.count() == 2 * len(organizations)
    probationary_over = MemberCountSnapshot.objects.filter(probationary__gt=0).count()
    assert probationary_over > 0


def test_demo_some_cells_have_fewer_than_ten_members(demo):
    small = MemberCountSnapshot.objects.filter(as_of=END_2024, members__lt=10, organization__kind__is_cell=True)
    assert small.count() >= 5
    assert small.filter(organization__name="Chi bộ thôn Tân Tiên").exists()
    assert not MemberCountSnapshot.objects.filter(members__lt=3).exists()


@pytest.mark.parametrize("demo_user", DEMO_USERS, ids=[u.username for u in DEMO_USERS])
def test_demo_user_logs_in_and_home_shows_the_organization(demo, client, demo_user):
    assert client.login(username=demo_user.username, password=settings.DEMO_PASSWORD)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert demo_user.organization_name in response.content.decode()


def test_demo_users_one_per_role_per_tenant(demo):
    assert len(DEMO_USERS) == 12
    per_tenant = Counter(
        (a.organization.tenant_id, a.role) for a in RoleAssignment.objects.select_related("organization")
    )
    assert len(per_tenant) == 12 and set(per_tenant.values()) == {1}
    secretary = RoleAssignment.objects.select_related("organization").get(user__username="ld_bithu")
    assert _parent(secretary.organization).name == "Đảng bộ xã Ka Đô"
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(settings.DEMO_PASSWORD)


def test_demo_command_if_empty_is_idempotent(db):
    call_command("load_demo", "--if-empty", stdout=open_null())
    counts = (Organization.objects.count(), MemberCountSnapshot.objects.count(), get_user_model().objects.count())
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.IMPORT).count() == 3
    call_command("load_demo", "--if-empty", stdout=open_null())
    call_command("load_demo", stdout=open_null())
    assert (
        Organization.objects.count(),
        MemberCountSnapshot.objects.count(),
        get_user_model().objects.count(),
    ) == counts
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.IMPORT).count() == 3
    assert Organization.objects.filter(depth=1).count() == 3


def test_demo_command_does_nothing_with_if_empty_when_a_tree_exists(db):
    make_tenant("Tỉnh ủy Thử nghiệm", "TN")
    call_command("load_demo", "--if-empty", stdout=open_null())
    assert Organization.objects.count() == 1


class _Rollback(Exception):
    pass


def _snapshot_table():
    return sorted(
        MemberCountSnapshot.objects.values_list("organization__tenant__code", "organization__code", "as_of", "members")
    )


def test_demo_is_deterministic(db):
    with pytest.raises(_Rollback), transaction.atomic():
        demo_load()
        first = _snapshot_table()
        raise _Rollback
    assert not Organization.objects.exists()
    demo_load()
    assert _snapshot_table() == first


def open_null():
    return io.StringIO()
