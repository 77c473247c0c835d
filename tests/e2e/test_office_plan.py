"""Journey a: the district office enters the year's plan, allocates quotas, issues it and prints the PDF.

Huyện ủy Đơn Dương and its 15 base organizations are those of seed 002 (tests/planning/conftest.py).
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from organizations.models import Organization, Role
from planning import services as planning_services
from planning.models import Allocation, Plan
from reports import services as report_services
from reports.models import Document
from reports.tasks import render_document
from tests.factories import grant, kind, make_org, make_tenant, make_user
from tests.planning.conftest import SEED_002_ANNEX

from .conftest import accept_confirms, assert_styled, expect_message, field, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def district() -> Organization:
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
    for number, (name, kind_code, _, _) in enumerate(SEED_002_ANNEX, 1):
        make_org(district, name, kind_code, f"DD{number:02d}")
    grant(make_user("vp_donduong", full_name="Nguyễn Thị Hoa"), district, Role.OFFICE_STAFF)
    return district


class Worker:
    """Stands in for the Celery worker: documents wait in its queue until `finish()` renders them, so the page
    is seen waiting and then updated by its htmx polling, as with a real worker (tasks run inline in tests)."""

    def __init__(self) -> None:
        self.queue: list[int] = []

    def finish(self) -> None:
        while self.queue:
            render_document.delay(self.queue.pop(0))


@pytest.fixture
def worker(monkeypatch) -> Worker:
    queued = Worker()
    monkeypatch.setattr(report_services, "_enqueue", queued.queue.append)
    return queued


def _grid_cell(page: Page, organization: str, column: int = 0):
    return page.locator(f'input.q[aria-label^="{organization}:"]').nth(column)


def test_office_creates_allocates_issues_and_downloads_the_plan_pdf(desktop: Page, district, worker: Worker):
    page = desktop
    accept_confirms(page)
    log_in(page, "vp_donduong")
    assert_styled(page)

    # Plans of the district, then a new annual plan.
    page.get_by_role("navigation", name="Chức năng chính").get_by_role("link", name="Kế hoạch").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kế hoạch phát triển đảng viên · Huyện ủy Đơn Dương")
    page.get_by_role("link", name="Lập kế hoạch mới").click()
    page.get_by_label("Loại kế hoạch").select_option(label="Kế hoạch năm")
    page.get_by_label("Năm (hoặc năm bắt đầu)").fill("2025")
    page.get_by_label("Trích yếu").fill("Phát triển đảng viên năm 2025")
    page.get_by_role("button", name="Tạo dự thảo").click()
    expect_message(page, "Đã tạo dự thảo kế hoạch.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Phát triển đảng viên năm 2025")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dự thảo")

    # The signer (needed to issue).
    tabs = page.get_by_role("navigation", name="Các trang của kế hoạch")
    tabs.get_by_role("link", name="Thông tin chung").click()
    page.get_by_label("Chức vụ người ký").fill("Phó Bí thư")
    page.get_by_label("Họ tên người ký").fill("Đinh Thị Mai")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("ul.messages .msg.error")).to_have_count(0)

    # The target: at least 88 admissions.
    tabs.get_by_role("link", name="Chỉ tiêu").click()
    field(page, "Chỉ tiêu").select_option(label="Kết nạp đảng viên")
    page.get_by_label("Dạng chỉ tiêu").select_option(label="Từ … trở lên")
    page.get_by_label("Số (hoặc từ)").fill("88")
    page.get_by_role("button", name="Thêm chỉ tiêu").click()
    expect(page.locator("table.data").first).to_contain_text("Kết nạp đảng viên")
    expect(page.locator("table.data").first).to_contain_text("88")

    # The grid: a column "of which pupils", then a few rows typed like a spreadsheet (Enter goes down).
    tabs.get_by_role("link", name="Phân bổ").click()
    expect(page.get_by_role("heading", name="Phân bổ chỉ tiêu cho tổ chức cấp dưới (15 tổ chức)")).to_be_visible()
    field(page, "Chỉ tiêu").select_option(label="Kết nạp đảng viên")
    page.get_by_label("Trong đó đối tượng").select_option(label="Học sinh")
    page.get_by_role("button", name="Thêm cột").click()
    expect(page.locator("table.grid thead th")).to_have_count(4)

    first = _grid_cell(page, "Đảng bộ Công an huyện")
    first.click()
    for quota in ("03", "10", "9"):
        page.keyboard.type(quota)
        page.keyboard.press("Enter")
    expect(_grid_cell(page, "Đảng bộ xã Đạ Ròn")).to_be_focused()
    _grid_cell(page, "Chi bộ Trường THPT Đơn Dương").fill("3")
    _grid_cell(page, "Chi bộ Trường THPT Đơn Dương", 1).fill("1")
    totals = page.locator("output[data-total-for]")
    expect(totals.nth(0)).to_have_text("25")  # recomputed as typed (static/js/planning.js)
    expect(totals.nth(0)).to_have_class("below")  # 25 is below the plan's 88
    expect(totals.nth(1)).to_have_text("01")
    page.get_by_role("button", name="Lưu bảng phân bổ").click()
    expect_message(page, "Đã lưu bảng phân bổ (5 ô thay đổi).")
    expect(_grid_cell(page, "Đảng bộ thị trấn Thạnh Mỹ")).to_have_value("10")

    # Issue: date, the proposed number, confirm.
    tabs.get_by_role("link", name="Ban hành").click()
    page.get_by_label("Ngày ban hành").fill("15/01/2025")
    page.get_by_role("button", name="Ban hành").click()
    expect_message(page, "Đã ban hành Kế hoạch số 01-KH/HU.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đã ban hành")
    annex = page.get_by_role("region", name="Phụ lục phân bổ chỉ tiêu")
    expect(annex.locator("tbody tr")).to_have_count(4)
    expect(annex.locator("tbody tr", has_text="Chi bộ Trường THPT Đơn Dương")).to_contain_text("03 (01 HS)")
    plan = Plan.objects.get(issuer=district)
    assert plan.status == Plan.Status.ISSUED and plan.number.text == "01-KH/HU"
    assert Allocation.objects.filter(plan=plan).count() == 5

    # The official PDF: asked for on the plan's documents page, waited for, downloaded.
    page.get_by_role("link", name="In PDF, bản đã ký").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Văn bản của kế hoạch 01-KH/HU")
    # The page polls its status (htmx, every 2 s). Routed requests wait for this thread to be back in a
    # playwright call, so no poll reaches the live server while the "worker" renders below: the two threads
    # never use the shared in-memory SQLite database at the same time.
    page.route("**/trang-thai/", lambda route: route.continue_())
    page.get_by_role("button", name="Tạo / tải bản PDF").click()
    status = page.locator("#document-status")
    expect(status).to_contain_text("Đang chờ tạo tệp PDF")
    expect(page.get_by_role("link", name="Tải về PDF")).to_have_count(0)
    worker.finish()
    download_link = page.get_by_role("link", name="Tải về PDF")
    expect(download_link).to_be_visible(timeout=10_000)
    expect(status).to_contain_text("Tệp PDF đã sẵn sàng")
    document = Document.objects.get(subject_id=plan.pk)
    assert document.status == Document.Status.READY and document.final

    # The file is sent inline, so chromium opens it in its PDF viewer (the page then holds the viewer, not the
    # bytes): check what the link answered, then fetch its bytes again with the same session cookies.
    href = download_link.get_attribute("href")
    with page.expect_response(lambda response: response.url.endswith(href)) as response_info:
        download_link.click()
    response = response_info.value
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    fetched = page.context.request.get(href)
    assert fetched.ok
    data = fetched.body()
    assert data.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "HUYỆN ỦY ĐƠN DƯƠNG" in text and "01-KH/HU" in text
    assert "Chi bộ Trường THPT Đơn Dương" in text


def test_target_form_shows_only_the_fields_of_the_chosen_kind(desktop: Page, district):
    staff = get_user_model().objects.get(username="vp_donduong")
    planning_services.plan_create(
        actor=staff, issuer=district, kind=Plan.Kind.ANNUAL, start_year=2025, title="Phát triển đảng viên năm 2025"
    )
    page = desktop
    log_in(page, "vp_donduong")
    page.get_by_role("navigation", name="Chức năng chính").get_by_role("link", name="Kế hoạch").click()
    page.get_by_role("link", name="Phát triển đảng viên năm 2025").click()
    page.get_by_role("navigation", name="Các trang của kế hoạch").get_by_role("link", name="Chỉ tiêu").click()
    page.get_by_label("Dạng chỉ tiêu").select_option(label="Từ … trở lên")
    expect(page.get_by_label("Số (hoặc từ)")).to_be_visible()
    assert page.get_by_label("Đến (chỉ tiêu dạng khoảng)").is_hidden()  # no wait: the script runs on change
    assert page.get_by_label("Tỷ lệ (%)").is_hidden()
    page.get_by_label("Dạng chỉ tiêu").select_option(label="Tỷ lệ trên tổng số đảng viên")
    expect(page.get_by_label("Tỷ lệ (%)")).to_be_visible()
    assert page.get_by_label("Số (hoặc từ)").is_hidden()
