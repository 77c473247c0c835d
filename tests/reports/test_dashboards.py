"""Dashboards: every figure of the rows and totals, for scenarios like the seeds; fixed query counts."""

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates.stages import Stage
from organizations.models import MemberCountSnapshot, Role
from reports import dashboards
from tests.factories import grant, make_org, make_tenant, make_user, make_wide_tree

from . import scenarios

TODAY = dt.date(2023, 12, 31)


def test_quota_progress_seed_003_rows_and_totals(kim_bang):
    district, communes, _cells, plan, board = kim_bang
    progress = dashboards.quota_progress(user=board, organization=district, year=2023, today=TODAY)
    assert progress.plan == plan
    rows = {row.organization: row for row in progress.rows}
    expected = {communes[0]: (50, 52, "104.0", 0), communes[1]: (50, 51, "102.0", 0), communes[2]: (45, 45, "100.0", 0)}
    for commune, (quota, achieved, pct, remaining) in expected.items():
        cell = rows[commune].cells["ket-nap"]
        assert (cell.quota, cell.achieved, str(cell.percent), cell.remaining) == (quota, achieved, pct, remaining)
    assert rows[communes[2]].pipeline == 4
    assert rows[communes[2]].cells["nhan-thuc-hoc-vien"].achieved == 7
    total = progress.total.cells["ket-nap"]
    assert (total.quota, total.achieved, str(total.percent), total.remaining) == (145, 148, "102.1", 0)
    assert progress.total.pipeline == 4


def test_dashboard_page_and_excel_show_the_same_figures(client, kim_bang):
    district, communes, _cells, _plan, board = kim_bang
    client.force_login(board)
    html = client.get(reverse("dashboard", args=[district.pk]), {"nam": 2023}).content.decode()
    assert "102,1%" in html and "148" in html and "145" in html
    assert "104,0%" in html
    assert reverse("dashboard", args=[communes[0].pk]) in html  # drill down
    response = client.get(reverse("dashboard_export", args=[district.pk, "chi-tieu"]), {"nam": 2023})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == (
        "STT",
        "Tổ chức",
        "Kết nạp: chỉ tiêu",
        "Kết nạp: đã đạt",
        "Kết nạp: tỷ lệ (%)",
        "Kết nạp: còn lại",
    )
    assert rows[1][:6] == ("01", "Đảng bộ thị trấn Quế", 50, 52, 104.0, 0)
    assert rows[-1][:6] == (None, "Tổng cộng toàn đảng bộ", 145, 148, 102.1, 0)


def test_drilling_down_a_commune_counts_its_cells(client, kim_bang):
    _district, communes, cells, _plan, board = kim_bang
    progress = dashboards.quota_progress(user=board, organization=communes[0], year=2023, today=TODAY)
    assert progress.plan is None  # the commune has no plan of its own: results without quotas
    assert [(r.organization, r.cells["ket-nap"].achieved) for r in progress.rows] == [
        (cells[communes[0]][0], 30),
        (cells[communes[0]][1], 22),
    ]
    assert progress.total.cells["ket-nap"].achieved == 52


def test_dashboard_is_scoped(client, kim_bang, world):
    district, _communes, _cells, _plan, _board = kim_bang
    client.force_login(world.users["tenant_admin"])
    assert client.get(reverse("dashboard", args=[district.pk])).status_code == 404


def test_pupil_sub_quota_counts_pupils_only(db):
    province = make_tenant("Đảng bộ tỉnh Lâm Đồng", "LDX")
    district = make_org(province, "Huyện ủy Đơn Dương", "huyen-uy", "DD")
    school = make_org(district, "Chi bộ Trường THPT Pró", "chi-bo-co-so", "PRO")
    scenarios.issued_plan(district, 2025, 88, {school: 3}, pupils={school: 1})
    scenarios.events(school, 2, on=dt.date(2025, 3, 3), categories=("hoc-sinh",))
    scenarios.events(school, 1, on=dt.date(2025, 4, 3))
    user = make_user("btc_dd")
    grant(user, district, Role.REVIEW_BOARD)
    progress = dashboards.quota_progress(user=user, organization=district, year=2025, today=dt.date(2025, 6, 30))
    row = progress.rows[0]
    assert (row.cells["ket-nap"].quota, row.cells["ket-nap"].achieved) == (3, 3)
    assert (row.cells["ket-nap:hoc-sinh"].quota, row.cells["ket-nap:hoc-sinh"].achieved) == (1, 2)
    assert [c.label for c in progress.columns][:2] == ["Kết nạp", "Kết nạp (HS)"]


def test_red_flags_behind_idle_small_cells(kim_bang):
    district, communes, cells, _plan, board = kim_bang
    quiet = make_org(communes[0], "Chi bộ thôn Yên Lạc", "chi-bo", "KB-1-YL")
    MemberCountSnapshot.objects.create(organization=quiet, as_of=dt.date(2023, 12, 31), members=7)
    MemberCountSnapshot.objects.create(organization=cells[communes[0]][0], as_of=dt.date(2023, 12, 31), members=25)
    progress = dashboards.quota_progress(user=board, organization=district, year=2023, today=dt.date(2023, 6, 30))
    flags = dashboards.red_flags(user=board, organization=district, progress=progress, today=dt.date(2023, 6, 30))
    assert quiet in flags.idle_cells and cells[communes[0]][0] not in flags.idle_cells
    assert [c.name for c in flags.small_cells] == ["Chi bộ thôn Yên Lạc"]
    assert flags.behind == []  # every commune is ahead of its pro-rata share


def test_flow_counts_stages_and_months(kim_bang):
    district, _communes, _cells, _plan, board = kim_bang
    flow = dashboards.flow(user=board, organization=district, year=2023, today=TODAY)
    stages = {code: n for code, _, n in flow.stage_counts}
    assert stages[Stage.ADMITTED] == 148 + 5 + 3 and stages[Stage.CELL_PROPOSED] == 4
    june = flow.admissions_by_month[5]
    assert june == (6, 148, 0)
    assert flow.admissions_by_month[11] == (12, 0, 5)  # December of the previous year


def _big_tree(code: str, communes: int, cells: int):
    root = make_tenant(f"Tỉnh ủy {code}", code)
    make_wide_tree(root, communes=communes, cells_per_commune=cells)
    root.refresh_from_db()
    from organizations.models import Organization

    children = list(Organization.objects.filter(path__startswith=root.path, depth=2))
    scenarios.issued_plan(root, 2025, 100, dict.fromkeys(children, 2), pupils={children[0]: 1})
    leaf = Organization.objects.filter(path__startswith=children[0].path, depth=3).first()
    scenarios.events(leaf, 3, on=dt.date(2025, 2, 2), categories=("hoc-sinh",))
    user = make_user(f"btc_{code}")
    grant(user, root, Role.REVIEW_BOARD)
    return root, user


@pytest.mark.parametrize("name", ["dashboard", "dashboard_flow", "dashboard_flags"])
def test_dashboard_pages_run_a_fixed_number_of_queries(client, db, name):
    counts = []
    for code, communes, cells in (("NHO", 3, 2), ("LON", 120, 25)):
        root, user = _big_tree(code, communes, cells)
        client.force_login(user)
        client.get(reverse("home"))  # the session's first request records its clocks: not counted
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse(name, args=[root.pk]), {"nam": 2025})
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 25


def test_dashboard_rows_escape_organization_names(client, kim_bang):
    district, communes, _cells, _plan, board = kim_bang
    communes[0].name = '<script>alert("x")</script> Quế'
    communes[0].save()
    client.force_login(board)
    html = client.get(reverse("dashboard", args=[district.pk]), {"nam": 2023}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Quế" in html
