"""Fixtures of the reports tests: the seed-002 district (planning's) and the seed-003 scenario."""

import datetime as dt

import pytest

from candidates.stages import EventKind, Stage
from organizations.models import Role
from tests.factories import grant, make_org, make_tenant, make_user
from tests.planning.conftest import district  # noqa: F401  (the seed-002 district fixture, shared)

from . import scenarios


@pytest.fixture
def kim_bang(db):
    """Seed 003: Huyện ủy Kim Bảng, annual quota 145 for 2023, admitted 148 (102,1%), in cells two levels down."""
    province = make_tenant("Đảng bộ tỉnh Hà Nam", "HANAM")
    kim_bang_district = make_org(province, "Huyện ủy Kim Bảng", "huyen-uy", "KB")
    communes = [
        make_org(kim_bang_district, name, "dang-uy-xa", f"KB-{i}")
        for i, name in enumerate(["Đảng bộ thị trấn Quế", "Đảng bộ xã Nhật Tân", "Đảng bộ xã Tân Sơn"], start=1)
    ]
    cells = {
        c: [make_org(c, f"Chi bộ thôn {k} ({c.code})", "chi-bo", f"{c.code}-T{k}") for k in (1, 2)] for c in communes
    }
    kim_bang_district.refresh_from_db()
    for commune in communes:
        commune.refresh_from_db()
    plan = scenarios.issued_plan(kim_bang_district, 2023, 145, dict(zip(communes, [50, 50, 45], strict=True)))
    # 52 + 51 + 45 = 148 admissions dated 2023, all recorded at the cells (grandchildren of the kim_bang_district).
    for commune, (first, second) in zip(communes, [(30, 22), (26, 25), (20, 25)], strict=True):
        scenarios.events(cells[commune][0], first)
        scenarios.events(cells[commune][1], second)
    # Not counted: a decision of 2022, a voided (corrected) decision of 2023, an awareness certificate.
    scenarios.events(cells[communes[0]][0], 5, on=dt.date(2022, 12, 30))
    scenarios.events(cells[communes[1]][0], 3, voided=True)
    scenarios.events(cells[communes[2]][0], 7, kind=EventKind.TRAINED, stage=Stage.TRAINED)
    # Proposed by the cell: could still be admitted.
    scenarios.events(cells[communes[2]][1], 4, kind=EventKind.CELL_RESOLUTION, stage=Stage.CELL_PROPOSED)
    board = make_user("btc_kimbang", full_name="Lê Văn Bình")
    grant(board, kim_bang_district, Role.REVIEW_BOARD)
    return kim_bang_district, communes, cells, plan, board
