"""Journey d: the tenant administrator imports the real tree from Excel and gives a cell secretary an account."""

from __future__ import annotations

import io

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from organizations.models import Organization, Role, RoleAssignment
from tests.factories import grant, kind, make_org, make_tenant, make_user

from .conftest import assert_styled, expect_message, log_in, log_out

pytestmark = pytest.mark.e2e

TREE_ROWS = [
    ["Mã", "Mã cấp trên", "Tên tổ chức", "Loại", "Khối", "Ký hiệu"],
    ["DONDUONG", "LD", "Huyện ủy Đơn Dương", "Huyện ủy / Quận ủy / Thị ủy", "", "HU"],
    ["KADO", "DONDUONG", "Đảng ủy xã Ka Đô", "dang-uy-xa", "Xã, phường, thị trấn, đặc khu", "ĐU"],
    ["KADO-M1", "KADO", "Chi bộ thôn Ka Đô Mới 1", "Chi bộ trực thuộc", "Thôn, tổ dân phố, khu dân cư", ""],
    ["KADO-M2", "KADO", "Chi bộ thôn Ka Đô Mới 2", "chi-bo", "thon-to-dan-pho", ""],
]


def _xlsx(path, rows) -> None:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())


@pytest.fixture
def province():
    """Tỉnh ủy Lâm Đồng with one committee already entered by hand, and its administrator."""
    root = make_tenant("Tỉnh ủy Lâm Đồng", "LD")
    make_org(root, "Đảng ủy phường Xuân Hương - Đà Lạt", "dang-uy-xa", "XUANHUONG")
    admin = make_user("ld_quantri", full_name="Lê Hoàng Phương")
    grant(admin, root, Role.TENANT_ADMIN)
    return root


def test_tenant_admin_imports_tree_grants_role_and_new_user_sees_their_cell(desktop: Page, province, tmp_path):
    page = desktop
    log_in(page, "ld_quantri")
    assert_styled(page)
    expect(page.locator("section.card").first).to_contain_text("Tỉnh ủy Lâm Đồng")

    # From the home page to the organization page, then its "Nhập cây từ Excel" button.
    page.get_by_role("link", name="Thông tin tổ chức").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tỉnh ủy Lâm Đồng")
    page.get_by_role("link", name="Nhập cây từ Excel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhập cây tổ chức từ Excel")

    sheet = tmp_path / "cay-to-chuc-lam-dong.xlsx"
    _xlsx(sheet, TREE_ROWS)
    page.locator("input[type=file]").set_input_files(sheet)
    page.get_by_role("button", name="Tải lên và xem trước").click()

    # Preview: every row checked, nothing written yet.
    expect(page.get_by_role("heading", level=1)).to_have_text("Xem trước: cay-to-chuc-lam-dong.xlsx")
    preview = page.locator("table.data tbody tr")
    expect(preview).to_have_count(4)
    expect(page.locator("tr.row-error")).to_have_count(0)
    expect(preview.nth(2)).to_contain_text("Chi bộ thôn Ka Đô Mới 1")
    assert not Organization.objects.filter(code="KADO-M1").exists()
    page.get_by_role("button", name="Xác nhận nhập").click()

    expect_message(page, "Đã nhập “cay-to-chuc-lam-dong.xlsx”")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tỉnh ủy Lâm Đồng")
    cell = Organization.objects.get(code="KADO-M1")
    assert cell.kind == kind("chi-bo")
    assert cell.path.startswith(Organization.objects.get(code="KADO").path)
    assert cell.path.startswith(Organization.objects.get(code="DONDUONG").path)

    # Down the new tree by its links to the cell, then its roles page.
    page.locator("table.data").get_by_role("link", name="Huyện ủy Đơn Dương").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Huyện ủy Đơn Dương")
    page.locator("table.data").get_by_role("link", name="Đảng ủy xã Ka Đô").click()
    page.locator("table.data").get_by_role("link", name="Chi bộ thôn Ka Đô Mới 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chi bộ thôn Ka Đô Mới 1")
    expect(page.locator("nav.breadcrumb")).to_contain_text("Tỉnh ủy Lâm Đồng")
    page.get_by_role("link", name="Phân quyền").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Phân quyền tại “Chi bộ thôn Ka Đô Mới 1”")

    page.get_by_label("Tên đăng nhập").fill("kado_bithu")
    page.get_by_label("Họ và tên (tài khoản mới)").fill("Bùi Văn Thắng")
    page.get_by_label("Mật khẩu ban đầu (tài khoản mới)").fill("bi-thu-ka-do-2025")
    page.get_by_label("Vai trò").select_option(label="Bí thư chi bộ")
    page.get_by_role("button", name="Giao vai trò").click()

    expect_message(page, "Đã giao vai trò.")
    row = page.locator("table.data tbody tr", has_text="kado_bithu")
    expect(row).to_contain_text("Bùi Văn Thắng")
    expect(row).to_contain_text("Bí thư chi bộ")
    expect(row).to_contain_text("Chi bộ thôn Ka Đô Mới 1")
    assignment = RoleAssignment.objects.get(user__username="kado_bithu")
    assert assignment.organization == cell and assignment.role == Role.CELL_SECRETARY

    # The new secretary logs in with the initial password and lands on their own cell.
    log_out(page)
    log_in(page, "kado_bithu", "bi-thu-ka-do-2025")
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào đồng chí Bùi Văn Thắng")
    workplace = page.locator("section.card").first
    expect(workplace.get_by_role("heading", level=2)).to_have_text("Chi bộ thôn Ka Đô Mới 1")
    expect(workplace).to_contain_text("Bí thư chi bộ tại Chi bộ thôn Ka Đô Mới 1")
    expect(page.locator("nav.breadcrumb [aria-current=page]")).to_have_text("Chi bộ thôn Ka Đô Mới 1")
    # Their scope is the cell: the sibling cell and the administrator's tools are not theirs.
    expect(page.get_by_role("link", name="Phân quyền")).to_have_count(0)
    page.get_by_role("link", name="Quần chúng").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quần chúng · Chi bộ thôn Ka Đô Mới 1")
