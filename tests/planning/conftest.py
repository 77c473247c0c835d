"""Fixtures of planning tests: the district of seed 002 and its office staff, built with the project's factories."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from organizations.models import Organization, Role
from tests.factories import grant, kind, make_org, make_tenant, make_user

# Seed 002, annex "PHÂN BỔ CHỈ TIÊU PHÁT TRIỂN ĐẢNG NĂM 2025": the 15 base organizations and their quotas.
SEED_002_ANNEX = [
    ("Đảng bộ Công an huyện", "dang-bo-co-so", 3, 0),
    ("Đảng bộ thị trấn Thạnh Mỹ", "dang-uy-xa", 10, 0),
    ("Đảng bộ thị trấn D’Ran", "dang-uy-xa", 9, 0),
    ("Đảng bộ xã Đạ Ròn", "dang-uy-xa", 6, 0),
    ("Đảng bộ xã Ka Đô", "dang-uy-xa", 9, 0),
    ("Đảng bộ xã Ka Đơn", "dang-uy-xa", 7, 0),
    ("Đảng bộ xã Lạc Lâm", "dang-uy-xa", 6, 0),
    ("Đảng bộ xã Lạc Xuân", "dang-uy-xa", 9, 0),
    ("Đảng bộ xã Quảng Lập", "dang-uy-xa", 9, 0),
    ("Đảng bộ xã Tu Tra", "dang-uy-xa", 9, 0),
    ("Chi bộ Trường THPT Đơn Dương", "chi-bo-co-so", 3, 1),
    ("Chi bộ Trường THPT Hùng Vương", "chi-bo-co-so", 3, 1),
    ("Chi bộ Trường THPT Lê Lợi", "chi-bo-co-so", 3, 1),
    ("Chi bộ Trường THPT Pró", "chi-bo-co-so", 3, 1),
    ("Chi bộ Trường Phổ thông Dân tộc Nội trú THCS Đơn Dương", "chi-bo-co-so", 2, 0),
]


@dataclass
class District:
    province: Organization
    district: Organization
    units: list[Organization]
    staff: object
    unit_staff: object
    board: object


@pytest.fixture
def district(db) -> District:
    """Tỉnh ủy Lâm Đồng > Huyện ủy Đơn Dương (…/HU) > the 15 base organizations of seed 002's annex."""
    province = make_tenant("Đảng bộ tỉnh Lâm Đồng", "LDONG")
    district = Organization(
        tenant_id=province.tenant_id,
        name="Huyện ủy Đơn Dương",
        code="DONDUONG",
        kind=kind("huyen-uy"),
        issuer_code="HU",
        place_name="Đơn Dương",
    )
    district = Organization.objects.add_child(province, instance=district)
    units = [
        make_org(district, name, kind_code, f"DD{i:02d}") for i, (name, kind_code, _, _) in enumerate(SEED_002_ANNEX, 1)
    ]
    district.refresh_from_db()
    staff = make_user("vp_dondoung", full_name="Nguyễn Thị Hoa")
    grant(staff, district, Role.OFFICE_STAFF)
    unit_staff = make_user("vp_kado", full_name="K'Bông Ha Thu")
    grant(unit_staff, units[4], Role.OFFICE_STAFF)
    board = make_user("btc_dondoung", full_name="Lê Văn Bình")
    grant(board, district, Role.REVIEW_BOARD)
    return District(province, district, units, staff, unit_staff, board)
