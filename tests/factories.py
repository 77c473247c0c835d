"""Factories and small trees for tests. Names come from our own lists (Faker's vi_VN order is wrong)."""

from __future__ import annotations

import itertools
import random

from django.contrib.auth import get_user_model

from organizations import services
from organizations.bulk import NodeSpec, bulk_add
from organizations.models import Organization, OrganizationKind, Role, RoleAssignment

FAMILY_NAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
]
MIDDLE_NAMES = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Xuân", "Hoài", "Bảo"]
GIVEN_NAMES = [
    "An",
    "Anh",
    "Ánh",
    "Bình",
    "Châu",
    "Cường",
    "Dũng",
    "Đạt",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Ngân",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Trung",
    "Tuấn",
    "Uyên",
    "Vy",
    "Yến",
]

_counter = itertools.count(1)


def person_name(rng: random.Random | None = None) -> str:
    rng = rng or random
    return f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"


def kind(code: str) -> OrganizationKind:
    return OrganizationKind.objects.get(tenant__isnull=True, code=code)


def make_tenant(name: str = "Tỉnh ủy Thử nghiệm", code: str | None = None) -> Organization:
    return services.tenant_create(name=name, code=code or f"T{next(_counter)}", kind=kind("tinh-uy"), issuer_code="TU")


def make_org(parent: Organization, name: str, kind_code: str = "dang-uy-xa", code: str | None = None) -> Organization:
    org = Organization(tenant_id=parent.tenant_id, name=name, code=code or f"O{next(_counter)}", kind=kind(kind_code))
    return Organization.objects.add_child(parent, instance=org)


def make_user(username: str | None = None, *, full_name: str = "", password: str = "matkhau-thu-nghiem"):
    User = get_user_model()
    names = (full_name or person_name()).rsplit(" ", 1)
    user = User(username=username or f"user{next(_counter)}", first_name=names[-1], last_name=names[0])
    user.set_password(password)
    user.save()
    return user


def grant(user, organization: Organization, role: str) -> RoleAssignment:
    return RoleAssignment.objects.create(user=user, organization=organization, role=role)


def make_wide_tree(root: Organization, *, communes: int, cells_per_commune: int) -> int:
    """A province-like tree built in bulk: communes under the root, cells under each commune."""
    specs: list[NodeSpec] = []
    commune_kind, cell_kind = kind("dang-uy-xa"), kind("chi-bo")
    for c in range(communes):
        key = f"{root.code}-X{c}"
        specs.append(NodeSpec(key, root, {"name": f"Đảng ủy xã {c}", "code": key, "kind": commune_kind}))
        for k in range(cells_per_commune):
            ckey = f"{key}-C{k}"
            specs.append(NodeSpec(ckey, key, {"name": f"Chi bộ thôn {k}", "code": ckey, "kind": cell_kind}))
    bulk_add(specs, tenant_id=root.tenant_id)
    return len(specs)


ALL_ROLES = [Role.OFFICE_STAFF, Role.CELL_SECRETARY, Role.REVIEW_BOARD, Role.TENANT_ADMIN]
