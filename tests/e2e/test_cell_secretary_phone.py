"""Journey b: a cell secretary on a phone takes a person from the source list to the admission decision.

What the secretary does not do is set up as the office would have done it: the tree, the secretary's account and
the awareness class opened by the commune (Trung tâm Chính trị). The dates are those of a real dossier of 2023,
copied from the cell's notebook (the steps refuse dates in the future).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from candidates.models import Candidate, CandidateEvent, TrainingClass
from candidates.stages import Stage
from organizations.models import Role
from tests.candidates.factories import make_class
from tests.factories import grant, make_org, make_tenant, make_user

from .conftest import accept_confirms, assert_styled, card, expect_message, field, horizontal_overflow, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def cell():
    root = make_tenant("Tỉnh ủy Lâm Đồng", "LD")
    commune = make_org(root, "Đảng ủy xã Ka Đô", "dang-uy-xa", "KADO")
    cell = make_org(commune, "Chi bộ thôn Ka Đô Mới 1", "chi-bo", "KADO-M1")
    make_org(commune, "Chi bộ thôn Ka Đô Mới 2", "chi-bo", "KADO-M2")
    grant(make_user("ld_bithu", full_name="Bùi Văn Thắng"), cell, Role.CELL_SECRETARY)
    grant(make_user("vp_kado", full_name="K'Bông Ha Thu"), commune, Role.OFFICE_STAFF)
    make_class(
        commune,
        name="Lớp bồi dưỡng nhận thức về Đảng khóa 1/2023",
        organizer="Trung tâm Chính trị huyện Đơn Dương",
        place="Hội trường Đảng ủy xã Ka Đô",
        starts_on=dt.date(2023, 3, 6),
        ends_on=dt.date(2023, 3, 9),
        certificate_on=dt.date(2023, 3, 10),
    )
    return cell


class Phone:
    """The secretary's thumb: taps, and after every page a check that nothing needs sideways scrolling."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.too_wide: dict[str, int] = {}

    def tap(self, locator) -> None:
        """Tap a link or a submit button: each loads a new page."""
        with self.page.expect_navigation():
            locator.tap()
        self.measure()

    def submit(self, name: str) -> None:
        self.tap(self.page.get_by_role("button", name=name, exact=True))

    def measure(self) -> None:
        overflow = horizontal_overflow(self.page)
        if overflow > 0:
            self.too_wide[re.sub(r"/\d+/", "/<id>/", self.page.url.split("//", 1)[1].split("/", 1)[1])] = overflow

    def step(self, label: str, values: dict[str, str]) -> None:
        """A quick action of the candidate page: its form, filled, recorded."""
        self.tap(self.page.locator(".quick-actions").get_by_role("link", name=label, exact=True))
        expect(self.page.get_by_role("heading", level=1)).to_have_text(label)
        for name, value in values.items():
            field(self.page, name).fill(value)
        self.submit("Ghi")
        expect(self.page.locator(".error")).to_have_count(0)
        expect(self.page.locator("ol.timeline")).to_be_visible()


def test_cell_secretary_on_a_phone_takes_a_candidate_to_admission(phone: Page, cell):
    page = phone
    thumb = Phone(page)
    accept_confirms(page)
    log_in(page, "ld_bithu")
    assert_styled(page)
    thumb.measure()

    # The candidates of the cell, then a new one.
    thumb.tap(page.locator("a.tile", has_text="Danh sách, tìm theo tên"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Quần chúng · Chi bộ thôn Ka Đô Mới 1")
    thumb.tap(page.get_by_role("link", name="+ Thêm quần chúng"))
    field(page, "Họ và tên").fill("Hoàng Thị Ánh")
    field(page, "Ngày đưa vào nguồn").fill("02/01/2023")
    field(page, "Giới tính").select_option(label="Nữ")
    field(page, "Ngày sinh").fill("17/05/1998")
    field(page, "Trình độ giáo dục phổ thông").select_option(label="Trung học phổ thông")
    field(page, "Nghề nghiệp, chức vụ").fill("Giáo viên")
    field(page, "Nơi làm việc hoặc học tập").fill("Trường Tiểu học Ka Đô")
    field(page, "Điện thoại").fill("0912 345 678")
    field(page, "Số định danh cá nhân (CCCD)").fill("068198001234")
    field(page, "Dân tộc").fill("Kinh")
    field(page, "Tôn giáo").fill("Không")
    page.get_by_label("Đoàn viên Đoàn Thanh niên").check()
    thumb.submit("Lưu")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hoàng Thị Ánh")
    expect(page.locator("span.stage")).to_have_text("Nguồn")
    candidate = Candidate.objects.get(full_name="Hoàng Thị Ánh")
    assert "068198001234" not in page.url

    thumb.step(
        "Đưa vào danh sách quần chúng ưu tú",
        {
            "Ngày chi bộ họp xét": "06/01/2023",
            "Đảng viên chính thức được phân công giúp đỡ": "Lê Văn Tâm",
            "Chi bộ của đảng viên giúp đỡ": "Chi bộ thôn Ka Đô Mới 1",
        },
    )
    expect(page.locator("span.stage").first).to_have_text("Quần chúng ưu tú")

    # The awareness class the commune opened: enrol her, then record the certificate.
    thumb.tap(page.locator("p.back").get_by_role("link"))
    thumb.tap(
        page.get_by_role("navigation", name="Quần chúng của Chi bộ thôn Ka Đô Mới 1").get_by_role(
            "link", name="Lớp bồi dưỡng"
        )
    )
    thumb.tap(page.get_by_role("link", name="Lớp bồi dưỡng nhận thức về Đảng khóa 1/2023"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Lớp bồi dưỡng nhận thức về Đảng khóa 1/2023")
    thumb.tap(page.get_by_role("link", name="Ghi danh học viên"))
    page.get_by_label("Hoàng Thị Ánh · Chi bộ thôn Ka Đô Mới 1").check()
    thumb.submit("Ghi danh những người đã chọn")
    expect_message(page, "Đã ghi danh 1 quần chúng.")
    thumb.tap(page.get_by_role("link", name="Ghi kết quả, số giấy chứng nhận"))
    row = page.locator("li.result-row", has_text="Hoàng Thị Ánh")
    row.get_by_label("Kết quả").select_option(label="Hoàn thành, được cấp giấy chứng nhận")
    row.get_by_label("Số giấy chứng nhận").fill("GCN-0231")
    expect(row.get_by_label("Ngày cấp")).to_have_value("10/03/2023")  # the class's certificate date
    thumb.submit("Lưu kết quả")
    expect_message(page, "Đã ghi kết quả: 1 học viên được cấp giấy chứng nhận.")
    learners = card(page, "Học viên (1)")
    expect(learners).to_contain_text("GCN số GCN-0231")
    thumb.tap(learners.get_by_role("link", name="Hoàng Thị Ánh"))
    expect(page.locator("span.stage").first).to_have_text("Đã học lớp nhận thức về Đảng")

    # Two full members introduce her; then the dossier and the resolutions, each from the quick actions.
    for introducer in ("Nguyễn Văn Bình", "Trần Thị Mai"):
        thumb.tap(page.get_by_role("link", name="Thêm người giúp đỡ, giới thiệu"))
        field(page, "Vai trò").select_option(label="Người giới thiệu")
        field(page, "Là").select_option(label="Đảng viên chính thức")
        field(page, "Họ và tên (hoặc tên tổ chức đoàn)").fill(introducer)
        field(page, "Chi bộ").fill("Chi bộ thôn Ka Đô Mới 1")
        field(page, "Cùng công tác, học tập, cư trú từ ngày").fill("01/09/2021")
        thumb.submit("Ghi")
        expect(page.get_by_role("heading", level=1)).to_have_text("Hoàng Thị Ánh")
    expect(card(page, "Người giúp đỡ, giới thiệu")).to_contain_text("Trần Thị Mai")

    thumb.step(
        "Lập hồ sơ xin vào Đảng",
        {"Ngày làm đơn xin vào Đảng (mẫu 1-KNĐ)": "03/04/2023", "Ngày khai lý lịch (mẫu 2-KNĐ)": "03/04/2023"},
    )
    thumb.step(
        "Chi bộ ra nghị quyết đề nghị kết nạp (6-KNĐ)",
        {
            "Số nghị quyết": "12-NQ/CB",
            "Ngày nghị quyết": "05/05/2023",
            "Số đảng viên chính thức tán thành": "8",
            "Tổng số đảng viên chính thức của chi bộ": "10",
        },
    )
    thumb.step(
        "Đảng ủy cơ sở ra nghị quyết đề nghị kết nạp (8-KNĐ)",
        {
            "Số nghị quyết": "35-NQ/ĐU",
            "Ngày nghị quyết": "15/05/2023",
            "Số cấp ủy viên tán thành": "9",
            "Tổng số cấp ủy viên": "11",
        },
    )
    thumb.step(
        "Quyết định kết nạp (9-KNĐ)",
        {
            "Số quyết định": "135-QĐ/HU",
            "Ngày quyết định": "02/06/2023",
            "Cấp ủy ra quyết định": "Ban Thường vụ Huyện ủy Đơn Dương",
            "Số thành viên tán thành": "10",
            "Tổng số thành viên ban thường vụ (hoặc cấp ủy)": "13",
        },
    )

    # The candidate page: admitted, every step in the timeline with its date and document number.
    expect(page.locator("span.stage").first).to_have_text("Có quyết định kết nạp")
    timeline = page.locator("ol.timeline > li")
    expected = [
        ("02/01/2023", "Đưa vào danh sách nguồn", None),
        ("06/01/2023", "Chi bộ đưa vào danh sách quần chúng ưu tú", None),
        ("10/03/2023", "Hoàn thành lớp bồi dưỡng nhận thức về Đảng", "GCN-0231"),
        ("03/04/2023", "Lập hồ sơ xin vào Đảng", None),
        ("05/05/2023", "Chi bộ ra nghị quyết đề nghị kết nạp", "12-NQ/CB"),
        ("15/05/2023", "Đảng ủy cơ sở ra nghị quyết đề nghị kết nạp", "35-NQ/ĐU"),
        ("02/06/2023", "Quyết định kết nạp đảng viên", "135-QĐ/HU"),
    ]
    expect(timeline).to_have_count(len(expected))
    for item, (when, what, number) in zip(timeline.all(), expected, strict=True):
        expect(item.locator(".when")).to_have_text(when)
        expect(item.locator("strong").first).to_have_text(what)
        if number:
            expect(item).to_contain_text(f"số {number}")
    expect(card(page, "Lớp bồi dưỡng")).to_contain_text("GCN số GCN-0231")
    expect(page.locator("body")).not_to_contain_text("068198001234")  # shown only on "Xem", and logged

    candidate.refresh_from_db()
    assert candidate.stage == Stage.ADMITTED and candidate.decision_number == "135-QĐ/HU"
    assert CandidateEvent.objects.filter(candidate=candidate).count() == len(expected)
    assert TrainingClass.objects.get().enrolments.get().certificate_number == "GCN-0231"

    # On a 390 px phone the candidate page never needs sideways scrolling.
    assert page.evaluate("() => window.innerWidth") == 390
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    # Nor does any other page of the journey (tables scroll inside their own box, not the page).
    assert not thumb.too_wide, f"Trang cần cuộn ngang trên điện thoại (px thừa): {thumb.too_wide}"
