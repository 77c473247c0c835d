"""Seed 002 entered through the pages, as a new office-staff user would, and the pages around it."""

import io
import re

import openpyxl
from django.urls import reverse

from organizations.models import Category
from planning.models import Allocation, Metric, Plan, PlanEvent

from .conftest import SEED_002_ANNEX


def _html(response) -> str:
    return response.content.decode()


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_pages_enter_seed_002_and_show_the_annex(client, district):
    client.force_login(district.staff)
    home = _html(client.get(reverse("home")))
    assert reverse("plan_list", args=[district.district.pk]) in home  # menu link and tile
    listing = client.get(reverse("plan_list", args=[district.district.pk]))
    assert "Lập kế hoạch mới" in _html(listing)

    # 1. Create the plan from the template.
    response = client.post(
        reverse("plan_create", args=[district.district.pk]),
        {"kind": "annual", "start_year": "2025", "title": "Phát triển đảng viên năm 2025"},
    )
    plan = Plan.objects.get(issuer=district.district)
    assert response["Location"] == reverse("plan_detail", args=[plan.pk])
    detail = _html(client.get(reverse("plan_detail", args=[plan.pk])))
    assert "I. MỤC ĐÍCH, YÊU CẦU" in detail and "IV. TỔ CHỨC THỰC HIỆN" in detail
    assert "dự kiến 01-KH/HU" in detail  # the next free number of the term is proposed

    # 2. Header: legal bases, recipients, signer.
    response = client.post(
        reverse("plan_edit", args=[plan.pk]),
        {
            "title": "Phát triển đảng viên năm 2025",
            "kind": "annual",
            "start_year": "2025",
            "place": "Đơn Dương",
            "issued_on": "15/01/2025",
            "legal_bases": "Thực hiện Nghị quyết số 22-NQ/HU ngày 18 tháng 12 năm 2024 của Huyện uỷ Đơn Dương …;",
            "preamble_closing": "Ban Thường vụ Huyện uỷ xây dựng kế hoạch phát triển đảng viên năm 2025 như sau:",
            "recipients": "- Ban Tổ chức Tỉnh uỷ (b/c),\n- Lưu Văn phòng Huyện uỷ.",
            "signer_authority": "T/M BAN THƯỜNG VỤ",
            "signer_title": "PHÓ BÍ THƯ",
            "signer_name": "Đinh Thị Mai",
        },
    )
    assert response.status_code == 302, _html(response)

    # 3. Target "từ 88 trở lên"; a wrong entry first shows a Vietnamese error in the page.
    url = reverse("plan_targets", args=[plan.pk])
    admissions = Metric.objects.get(code=Metric.ADMISSIONS)
    response = client.post(url, {"metric": admissions.pk, "scope": "whole", "kind": "range", "low": "88"})
    assert response.status_code == 200 and "Chỉ tiêu dạng khoảng cần số “đến”." in _html(response)
    response = client.post(url, {"metric": admissions.pk, "scope": "whole", "kind": "minimum", "low": "88"})
    assert response.status_code == 302

    # 4. The grid: add the "of which pupils" column, then post the 15 rows.
    pupils = Category.objects.get(code="hoc-sinh", tenant__isnull=True)
    client.post(reverse("allocation_column_add", args=[plan.pk]), {"metric": admissions.pk, "category": pupils.pk})
    grid = client.get(reverse("allocation_grid", args=[plan.pk]))
    html = _html(grid)
    assert "Kết nạp (trong đó HS)" in html and 'src="/static/js/planning.js"' in html
    assert "<script>" not in html  # no inline script (CSP)
    columns = [c.key for c in grid.context["grid"].columns]
    assert len(columns) == 2
    data = {"revision": re.search(r'name="revision" value="(\d+)"', html)[1]}
    for unit, (_, _, quota, hs) in zip(district.units, SEED_002_ANNEX, strict=True):
        data[f"q-{unit.pk}-{columns[0]}"] = f"{quota:02d}"
        data[f"q-{unit.pk}-{columns[1]}"] = str(hs) if hs else ""
        data[f"ex-{unit.pk}"] = ""
    response = client.post(reverse("allocation_grid", args=[plan.pk]), data)
    assert response.status_code == 302
    assert Allocation.objects.filter(plan=plan, category__isnull=True).count() == 15
    # Re-posting the same page (now stale) is refused and changes nothing.
    data[f"q-{district.units[0].pk}-{columns[0]}"] = "04"
    response = client.post(reverse("allocation_grid", args=[plan.pk]), data)
    assert response.status_code == 200 and "vừa được người khác lưu" in _html(response)
    assert Allocation.objects.get(plan=plan, organization=district.units[0], category__isnull=True).quantity == 3

    # 5. Issue with the proposed number 12 (typed as in the seed).
    page = _html(client.get(reverse("plan_issue", args=[plan.pk])))
    assert "01-KH/HU" in page
    response = client.post(reverse("plan_issue", args=[plan.pk]), {"issued_on": "15/01/2025", "number": "12"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ISSUED and plan.number.text == "12-KH/HU"

    # 6. The plan shows the seed's figures: header, target, annex.
    detail = client.get(reverse("plan_detail", args=[plan.pk]))
    html = _html(detail)
    assert "Số 12-KH/HU" in html and "Đơn Dương, ngày 15 tháng 01 năm 2025" in html
    assert "ĐẢNG BỘ TỈNH LÂM ĐỒNG" in html and "HUYỆN ỦY ĐƠN DƯƠNG" in html
    assert "từ 88 trở lên" in html
    annex = detail.context["annex"]
    assert [r.text for r in annex.rows][-5:] == ["03 (01 HS)", "03 (01 HS)", "03 (01 HS)", "03 (01 HS)", "02"]
    assert annex.total.text == "91 (04 HS)" and "91 (04 HS)" in html
    assert "PHÂN BỔ CHỈ TIÊU PHÁT TRIỂN ĐẢNG VIÊN NĂM 2025" in html
    assert "(Kèm theo Kế hoạch số 12-KH/HU, ngày 15/01/2025 của Ban Thường vụ Huyện ủy Đơn Dương)" in html

    # 7. Locked once issued; the history lists every step with who did it.
    response = client.post(
        reverse("plan_targets", args=[plan.pk]),
        {"metric": admissions.pk, "scope": "whole", "kind": "absolute", "low": "1"},
    )
    assert "đã ban hành" in _html(response)
    history = _html(client.get(reverse("plan_history", args=[plan.pk])))
    for label in ("Tạo kế hoạch", "Sửa thông tin chung", "Thêm chỉ tiêu", "Phân bổ chỉ tiêu", "Ban hành"):
        assert label in history
    assert "Nguyễn Thị Hoa" in history
    assert PlanEvent.objects.filter(plan=plan, kind=PlanEvent.Kind.ALLOCATIONS).get().changes[0][1:] == ["", "3"]


def test_pages_export_is_a_formula_safe_workbook_with_the_annex_columns(client, district):
    from .seeds import build_seed_002

    plan = build_seed_002(district)
    client.force_login(district.board)  # reviewing boards read
    response = client.get(reverse("allocation_export", args=[plan.pk]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("STT", "Mã tổ chức", "TCCSĐ", "Chỉ tiêu")
    assert rows[11][0] == "11" and rows[11][2] == "Chi bộ Trường THPT Đơn Dương" and rows[11][3] == "03 (01 HS)"
    # The board reads but does not edit.
    assert client.get(reverse("allocation_grid", args=[plan.pk])).status_code == 403


def test_pages_amend_keeps_the_issued_version(client, district):
    from .seeds import build_seed_002

    plan = build_seed_002(district)
    client.force_login(district.staff)
    response = client.post(reverse("plan_amend", args=[plan.pk]))
    amended = Plan.objects.get(previous_version=plan)
    assert response["Location"] == reverse("plan_detail", args=[amended.pk])
    assert amended.status == Plan.Status.DRAFT and amended.version == 2
    assert Allocation.objects.filter(plan=amended).count() == Allocation.objects.filter(plan=plan).count() == 19
    client.post(reverse("plan_issue", args=[amended.pk]), {"issued_on": "01/06/2025"})
    plan.refresh_from_db()
    amended.refresh_from_db()
    assert plan.status == Plan.Status.SUPERSEDED and plan.number.text == "12-KH/HU"
    assert amended.status == Plan.Status.ISSUED and amended.number.text == "13-KH/HU"
    html = _html(client.get(reverse("plan_history", args=[amended.pk])))
    assert "Được thay thế bởi Kế hoạch số 13-KH/HU" in html and "Ban hành Kế hoạch số 12-KH/HU" in html


def test_pages_lower_organization_sees_its_quota_and_starts_from_it(client, district):
    from .seeds import build_seed_002

    plan = build_seed_002(district)
    ka_do = district.units[4]
    client.force_login(district.unit_staff)
    listing = client.get(reverse("plan_list", args=[ka_do.pk]))
    assert plan in listing.context["lists"].to_implement
    detail = client.get(reverse("plan_detail", args=[plan.pk]))
    assert detail.status_code == 200 and detail.context["plan"].limited
    assert [(r.name, r.text) for r in detail.context["annex"].rows] == [("Đảng bộ xã Ka Đô", "09")]
    assert "Đảng bộ xã Lạc Xuân" not in _html(detail)  # a sibling's quota is not shown
    for name in ("allocation_grid", "allocation_export", "plan_history", "plan_edit"):
        assert client.get(reverse(name, args=[plan.pk])).status_code == 403, name
    response = client.post(
        reverse("plan_create", args=[ka_do.pk]),
        {"kind": "annual", "start_year": "2025", "title": "Phát triển đảng viên năm 2025", "parent_plan": plan.pk},
    )
    own = Plan.objects.get(issuer=ka_do)
    assert response["Location"] == reverse("plan_detail", args=[own.pk])
    (target,) = own.targets.all()
    assert target.floor == 9 and "12-KH/HU" in own.legal_bases
    # Lowering its own target below the quota is allowed but warned about, on both plans.
    client.post(
        reverse("plan_target_edit", args=[target.pk]),
        {"metric": target.metric_id, "scope": "whole", "kind": "absolute", "low": "7"},
    )
    own_checks = [c.message for c in client.get(reverse("plan_detail", args=[own.pk])).context["checks"]]
    assert any("(07)" in m and "(09)" in m for m in own_checks), own_checks
    client.force_login(district.staff)
    upper_checks = [c.message for c in client.get(reverse("plan_detail", args=[plan.pk])).context["checks"]]
    assert any("Đảng bộ xã Ka Đô" in m and "(07)" in m and "(09)" in m for m in upper_checks), upper_checks


def test_pages_grid_keeps_what_was_typed_when_a_row_is_wrong(client, district):
    from .seeds import build_seed_002

    plan = build_seed_002(district, issue=False)
    client.force_login(district.staff)
    grid = client.get(reverse("allocation_grid", args=[plan.pk])).context["grid"]
    data = {"revision": str(plan.revision)}
    for row in grid.rows:
        for cell in row.cells:
            data[f"q-{row.organization.pk}-{cell.column.key}"] = "" if cell.value is None else str(cell.value)
    data[f"q-{district.units[0].pk}-{grid.columns[0].key}"] = "-3"
    data[f"q-{district.units[1].pk}-{grid.columns[0].key}"] = "12"
    response = client.post(reverse("allocation_grid", args=[plan.pk]), data)
    html = _html(response)
    assert response.status_code == 200 and "không được âm" in html and 'value="-3"' in html and 'value="12"' in html
    assert Allocation.objects.get(plan=plan, organization=district.units[1], category__isnull=True).quantity == 10


def test_pages_proposals_from_request_to_allocation(client, district):
    from .seeds import build_seed_002

    plan = build_seed_002(district, issue=False)
    admissions = Metric.objects.get(code=Metric.ADMISSIONS)
    client.force_login(district.staff)
    response = client.post(
        reverse("proposal_request_create", args=[plan.pk]),
        {"metric": admissions.pk, "deadline": "26/02/2025", "message": "Gửi kế hoạch và số liệu theo mẫu."},
    )
    assert response.status_code == 302
    ka_do = district.units[4]
    client.force_login(district.unit_staff)
    listing = client.get(reverse("plan_list", args=[ka_do.pk]))
    (proposal,) = listing.context["lists"].proposals_to_answer
    assert "trước ngày 26/02/2025" in _html(listing)
    response = client.post(reverse("proposal_submit", args=[proposal.pk]), {"proposed": "11", "note": "Có 14 nguồn"})
    assert response.status_code == 302
    # The lower level cannot decide its own quota.
    assert client.post(reverse("proposal_decide", args=[proposal.pk]), {"decided": "20"}).status_code == 404
    client.force_login(district.staff)
    page = client.get(reverse("proposal_list", args=[plan.pk]))
    (round_,) = page.context["requests"]
    assert len(round_.answered) == 1 and len(round_.waiting) == 14
    client.post(reverse("proposal_accept_all", args=[round_.pk]))
    assert Allocation.objects.get(plan=plan, organization=ka_do, category__isnull=True).quantity == 11
