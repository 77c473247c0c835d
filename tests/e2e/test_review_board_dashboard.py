"""Journey c: the province's Organization Board reviews quota against results, drills down two levels, exports.

Already there (entered by the offices and the cells over the year): the plans of 2025 with their quotas at the
province, the district and the commune, and the admission decisions recorded by the cells.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from candidates.models import CandidateEvent
from candidates.stages import EventKind, Stage
from organizations.models import Organization, Role
from planning import services as planning
from planning.models import Metric, Plan, Target
from planning.selectors import column_key_of
from tests.candidates.factories import make_candidate
from tests.factories import grant, make_org, make_tenant, make_user

from .conftest import assert_styled, log_in

pytestmark = pytest.mark.e2e

YEAR = 2025


def _issued_plan(issuer: Organization, target: int, quotas: dict[Organization, int], number: int) -> Plan:
    """The office of `issuer` enters and issues its plan of the year (planning.services, as the pages do)."""
    staff = make_user(f"vp_{issuer.code.lower()}")
    grant(staff, issuer, Role.OFFICE_STAFF)
    plan = planning.plan_create(
        actor=staff, issuer=issuer, kind=Plan.Kind.ANNUAL, start_year=YEAR, title=f"Phát triển đảng viên năm {YEAR}"
    )
    planning.plan_update(actor=staff, plan=plan, signer_title="Phó Bí thư", signer_name="Đinh Thị Mai")
    admissions = Metric.objects.get(tenant__isnull=True, code=Metric.ADMISSIONS)
    planning.target_add(actor=staff, plan=plan, metric=admissions, kind=Target.Kind.MINIMUM, low=target)
    key = column_key_of(admissions)
    rows = [planning.AllocationRow(organization_id=o.pk, values={key: n}) for o, n in quotas.items()]
    planning.allocations_save(actor=staff, plan=plan, rows=rows)
    planning.plan_issue(actor=staff, plan=plan, issued_on=dt.date(YEAR, 1, 15), number=number)
    return plan


def _admitted(cell: Organization, count: int, on: dt.date) -> None:
    """`count` people of `cell` with the admission decision of `on` (the event the dashboards count)."""
    for _ in range(count):
        candidate = make_candidate(cell, stage=Stage.ADMITTED, stage_on=on, decision_on=on)
        CandidateEvent.objects.create(
            tenant_id=cell.tenant_id,
            candidate=candidate,
            organization=cell,
            org_path=cell.path,
            kind=EventKind.ADMISSION,
            event_date=on,
            from_stage=Stage.BASE_PROPOSED,
            to_stage=Stage.ADMITTED,
            document_number="135-QĐ/HU",
        )


@pytest.fixture
def province() -> Organization:
    province = make_tenant("Tỉnh ủy Lâm Đồng", "LD")
    don_duong = make_org(province, "Huyện ủy Đơn Dương", "huyen-uy", "DONDUONG")
    lac_duong = make_org(province, "Huyện ủy Lạc Dương", "huyen-uy", "LACDUONG")
    ka_do = make_org(don_duong, "Đảng bộ xã Ka Đô", "dang-uy-xa", "KADO")
    lac_xuan = make_org(don_duong, "Đảng bộ xã Lạc Xuân", "dang-uy-xa", "LACXUAN")
    moi_1 = make_org(ka_do, "Chi bộ thôn Ka Đô Mới 1", "chi-bo", "KADO-M1")
    moi_2 = make_org(ka_do, "Chi bộ thôn Ka Đô Mới 2", "chi-bo", "KADO-M2")
    make_org(ka_do, "Chi bộ thôn Ka Đô Cũ", "chi-bo", "KADO-CU")
    dong_thanh = make_org(lac_xuan, "Chi bộ thôn Đồng Thạnh", "chi-bo", "LX-DT")
    town = make_org(lac_duong, "Đảng bộ thị trấn Lạc Dương", "dang-uy-xa", "TT-LACDUONG")
    bang_lang = make_org(town, "Chi bộ tổ dân phố Bằng Lăng", "chi-bo", "TT-BL")
    for organization in (province, don_duong, lac_duong, ka_do, lac_xuan, town):
        organization.refresh_from_db()

    _issued_plan(province, 120, {don_duong: 88, lac_duong: 32}, number=5)
    _issued_plan(don_duong, 88, {ka_do: 9, lac_xuan: 9}, number=12)
    _issued_plan(ka_do, 9, {moi_1: 3, moi_2: 3}, number=2)
    _admitted(moi_1, 2, dt.date(YEAR, 6, 2))
    _admitted(moi_2, 1, dt.date(YEAR, 9, 20))
    _admitted(dong_thanh, 1, dt.date(YEAR, 5, 5))
    _admitted(bang_lang, 1, dt.date(YEAR, 7, 1))
    _admitted(moi_1, 1, dt.date(YEAR - 1, 12, 20))  # last year's: not counted in 2025
    make_candidate(moi_2, stage=Stage.CELL_PROPOSED)  # proposed by the cell, may still be admitted

    grant(make_user("ld_bantochuc", full_name="Trần Minh Đức"), province, Role.REVIEW_BOARD)
    return province


def _row(page: Page, name: str):
    """The table row of organization `name` (its cell may also hold badges and a meter)."""
    label = re.compile(rf"^\s*{re.escape(name)}(\s|$)")
    return page.locator("table.dashboard tbody tr").filter(has=page.locator("td:nth-child(2)", has_text=label))


def test_review_board_drills_down_two_levels_and_exports_to_excel(desktop: Page, province):
    page = desktop
    log_in(page, "ld_bantochuc")
    page.get_by_role("navigation", name="Chức năng chính").get_by_role("link", name="Theo dõi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tỉnh ủy Lâm Đồng")
    assert_styled(page)

    # The year under review.
    page.get_by_label("Năm").select_option(str(YEAR))
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page.locator("section.summary")).to_contain_text(f"Phát triển đảng viên năm {YEAR}")
    expect(page.locator("section.summary")).to_contain_text("5 / 120")
    don_duong = _row(page, "Huyện ủy Đơn Dương")
    expect(don_duong.locator("td.num").nth(0)).to_have_text("88")
    expect(don_duong.locator("td.num").nth(1)).to_have_text("4")
    expect(_row(page, "Huyện ủy Lạc Dương").locator("td.num").nth(1)).to_have_text("1")
    expect(page.locator("canvas[data-chart]")).to_be_visible()

    # Level 1: the district.
    don_duong.get_by_role("link", name="Huyện ủy Đơn Dương").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Huyện ủy Đơn Dương")
    expect(page.locator("section.summary")).to_contain_text("12-KH/HU")
    ka_do = _row(page, "Đảng bộ xã Ka Đô")
    expect(ka_do.locator("td.num").nth(0)).to_have_text("9")
    expect(ka_do.locator("td.num").nth(1)).to_have_text("3")
    expect(_row(page, "Đảng bộ xã Lạc Xuân").locator("td.num").nth(1)).to_have_text("1")
    assert f"nam={YEAR}" in page.url

    # Level 2: the commune, whose rows are its cells (the end of the drill-down).
    ka_do.get_by_role("link", name="Đảng bộ xã Ka Đô").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đảng bộ xã Ka Đô")
    rows = page.locator("table.dashboard tbody tr:not(.total)")
    expect(rows).to_have_count(3)
    expect(rows.get_by_role("link")).to_have_count(0)
    moi_1, moi_2 = _row(page, "Chi bộ thôn Ka Đô Mới 1"), _row(page, "Chi bộ thôn Ka Đô Mới 2")
    expect(moi_1.locator("td.num").nth(1)).to_have_text("2")
    expect(moi_2.locator("td.num").nth(1)).to_have_text("1")
    expect(moi_2.locator("td.num").last).to_contain_text("1")  # proposed, may still be admitted this year
    expect(page.locator("nav.breadcrumb")).to_contain_text("Tỉnh ủy Lâm Đồng")

    # Export what is on the screen: the same figures, as numbers.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Xuất Excel").click()
    download = download_info.value
    assert download.suggested_filename == f"chi-tieu-{YEAR}-kado.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes())).active
    header, *lines = [row for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]
    table = {line[1]: dict(zip(header, line, strict=True)) for line in lines}
    assert str(YEAR) in sheet.title
    assert list(table)[:3] == ["Chi bộ thôn Ka Đô Mới 1", "Chi bộ thôn Ka Đô Mới 2", "Chi bộ thôn Ka Đô Cũ"]
    first = table["Chi bộ thôn Ka Đô Mới 1"]
    assert (first["Kết nạp: chỉ tiêu"], first["Kết nạp: đã đạt"], first["Kết nạp: còn lại"]) == (3, 2, 1)
    assert table["Chi bộ thôn Ka Đô Mới 2"]["Đã được đề nghị kết nạp (có thể đạt trong kỳ)"] == 1
