from __future__ import annotations

from dataclasses import dataclass

import pytest

from organizations.models import Organization, Role

from .factories import grant, make_org, make_tenant, make_user


@dataclass
class World:
    """Two tenants with the same shape. In each: root > commune (ward) > base committee > two cells,
    and a sibling commune with one cell. Users hold one role each, in tenant A unless named _b."""

    root: Organization
    commune: Organization
    base: Organization
    cell: Organization
    sibling_cell: Organization
    other_commune: Organization
    other_cell: Organization
    root_b: Organization
    commune_b: Organization
    cell_b: Organization
    users: dict


@pytest.fixture
def world(db) -> World:
    root = make_tenant("Tỉnh ủy Lâm Đồng", "LD")
    commune = make_org(root, "Đảng ủy xã Ka Đô", "dang-uy-xa", "KADO")
    base = make_org(commune, "Đảng bộ Trường THPT Pró", "dang-bo-co-so", "PRO")
    cell = make_org(base, "Chi bộ Giáo viên 1", "chi-bo", "PRO-GV1")
    sibling_cell = make_org(base, "Chi bộ Giáo viên 2", "chi-bo", "PRO-GV2")
    other_commune = make_org(root, "Đảng ủy xã Lạc Xuân", "dang-uy-xa", "LACXUAN")
    other_cell = make_org(other_commune, "Chi bộ thôn Đồng Thạnh", "chi-bo", "LX-DT")
    root_b = make_tenant("Thành ủy Hà Nội", "HN")
    commune_b = make_org(root_b, "Đảng ủy phường Đống Đa", "dang-uy-xa", "DONGDA")
    cell_b = make_org(commune_b, "Chi bộ Khu dân cư số 1", "chi-bo", "DD-KDC1")
    # Refresh numchild after add_child on parents.
    for org in (root, commune, base, other_commune, root_b, commune_b):
        org.refresh_from_db()
    users = {
        "office_staff": make_user("vanphong", full_name="Nguyễn Thị Lan"),
        "cell_secretary": make_user("bithu", full_name="Trần Văn Hùng"),
        "review_board": make_user("bantochuc", full_name="Lê Minh Tuấn"),
        "tenant_admin": make_user("quantri", full_name="Phạm Quốc Anh"),
        "tenant_admin_b": make_user("quantri_hn", full_name="Vũ Thu Hà"),
        "office_staff_b": make_user("vanphong_hn", full_name="Đỗ Ngọc Mai"),
        "nobody": make_user("khongvaitro", full_name="Hồ Văn Nam"),
    }
    grant(users["office_staff"], commune, Role.OFFICE_STAFF)
    grant(users["cell_secretary"], cell, Role.CELL_SECRETARY)
    grant(users["review_board"], commune, Role.REVIEW_BOARD)
    grant(users["tenant_admin"], root, Role.TENANT_ADMIN)
    grant(users["tenant_admin_b"], root_b, Role.TENANT_ADMIN)
    grant(users["office_staff_b"], commune_b, Role.OFFICE_STAFF)
    return World(root, commune, base, cell, sibling_cell, other_commune, other_cell, root_b, commune_b, cell_b, users)
