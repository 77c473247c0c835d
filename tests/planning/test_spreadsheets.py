"""The allocation spreadsheet: export, edit, import round-trips; bad files give row errors and change nothing."""

import io

import openpyxl
import pytest
from django.urls import reverse

from config.errors import ApplicationError
from planning import selectors, services
from planning.models import Allocation, Exemption, PlanEvent
from planning.resources import parse_quota
from tests.factories import make_org

from .seeds import build_seed_001, build_seed_002, category


def _snapshot(plan):
    return sorted(Allocation.objects.filter(plan=plan).values_list("organization_id", "key", "quantity"))


def _workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _edit(content: bytes, changes: dict[tuple[int, int], object]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.active
    for (row, col), value in changes.items():
        sheet.cell(row=row, column=col).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_parse_quota_reads_the_annex_notation(db):
    categories = {"hs": category("hoc-sinh"), "nu": category("nu")}
    assert parse_quota("03 (01 HS)", categories) == (3, [(categories["hs"], 1)])
    assert parse_quota("05 (01 HS, 02 Nữ)", categories) == (5, [(categories["hs"], 1), (categories["nu"], 2)])
    assert parse_quota(7, categories) == (7, [])
    assert parse_quota("", categories) == (None, [])
    for bad, message in (
        ("-2", "âm"),
        ("ba", "không phải số"),
        ("03 (01 XYZ)", "Không rõ đối tượng"),
        (2.5, "số nguyên"),
    ):
        with pytest.raises(ValueError, match=message):
            parse_quota(bad, categories)


def test_allocation_spreadsheet_round_trips(district):
    plan = build_seed_002(district, issue=False)
    before = _snapshot(plan)
    content = selectors.allocations_export(user=district.staff, plan=plan)
    result = services.allocations_import(actor=district.staff, plan=plan, data=content, filename="a.xlsx", dry_run=True)
    assert result.is_valid and result.counts() == {"Không đổi": 15}
    services.allocations_import(actor=district.staff, plan=plan, data=content, filename="a.xlsx", dry_run=False)
    assert _snapshot(plan) == before
    # Edit in "Excel": row 2 = Công an huyện 03 -> 04 (01 HS); an exemption for the boarding school.
    edited = _edit(content, {(2, 4): "04 (01 HS)", (16, 4): None, (16, 5): "Trường chưa đủ điều kiện"})
    preview = services.allocations_import(actor=district.staff, plan=plan, data=edited, filename="a.xlsx")
    assert preview.counts() == {"Cập nhật": 2, "Không đổi": 13}
    assert _snapshot(plan) == before  # a preview writes nothing
    services.allocations_import(actor=district.staff, plan=plan, data=edited, filename="a.xlsx", dry_run=False)
    annex = selectors.annex_rows(user=district.staff, plan=plan)
    assert annex.rows[0].text == "04 (01 HS)" and annex.rows[-1].text == "Miễn"
    assert annex.total.text == "90 (05 HS)"
    assert Exemption.objects.get(plan=plan).reason == "Trường chưa đủ điều kiện"
    # Exporting again and importing gives the same allocations.
    after = _snapshot(plan)
    again = selectors.allocations_export(user=district.staff, plan=plan)
    services.allocations_import(actor=district.staff, plan=plan, data=again, filename="b.xlsx", dry_run=False)
    assert _snapshot(plan) == after
    assert PlanEvent.objects.filter(plan=plan, kind=PlanEvent.Kind.IMPORTED).count() == 1  # unchanged files log nothing


def test_allocation_import_reads_the_seed_annex_as_typed(district):
    """The annex of seed 002 as office staff keep it: STT, TCCSĐ, CHỈ TIÊU; names without codes, a CSV."""
    from .conftest import SEED_002_ANNEX

    plan = build_seed_002(district, issue=False)
    Allocation.objects.filter(plan=plan).delete()
    lines = ["STT;TCCSĐ;CHỈ TIÊU"]
    for i, (name, _, quota, hs) in enumerate(SEED_002_ANNEX, 1):
        lines.append(f"{i:02d};{name.upper() if i == 2 else name};{quota:02d}" + (" (01 HS)" if hs else ""))
    data = "\n".join(lines).encode("utf-8-sig")
    services.allocations_import(actor=district.staff, plan=plan, data=data, filename="phuluc.csv", dry_run=False)
    annex = selectors.annex_rows(user=district.staff, plan=plan)
    assert annex.total.text == "91 (04 HS)" and len(annex.rows) == 15


def test_allocation_import_bad_rows_change_nothing(district):
    plan = build_seed_002(district, issue=False)
    before = _snapshot(plan)
    outside = make_org(district.province, "Huyện ủy Lạc Dương", "huyen-uy", "LACDUONG")
    rows = [
        ("STT", "Mã tổ chức", "TCCSĐ", "Chỉ tiêu"),
        ("01", "", "Đảng bộ xã Không Có", "03"),  # unknown organization
        ("02", "DD02", "", "-1"),  # negative
        ("03", "DD03", "", "ba"),  # not a number
        ("04", "LACDUONG", "", "02"),  # outside the issuer's subtree
        ("05", "DD05", "", "04"),
        ("06", "DD05", "", "05"),  # duplicate row
        ("07", district.district.code, "", "01"),  # the issuer itself
        ("08", "DD06", "", "07"),  # a good row: still not written
    ]
    content = _workbook(rows)
    result = services.allocations_import(actor=district.staff, plan=plan, data=content, filename="x.xlsx")
    errors = result.errors_by_row()
    assert sorted(errors) == [2, 3, 4, 5, 7, 8]
    assert "Không tìm thấy tổ chức “Đảng bộ xã Không Có”" in errors[2][0]
    assert "âm" in errors[3][0] and "không phải số" in errors[4][0]
    assert f"“{outside.name}” không phải tổ chức cấp dưới của Huyện ủy Đơn Dương" in errors[5][0]
    assert "Trùng tổ chức với dòng 6" in errors[7][0]
    assert "không phải tổ chức cấp dưới" in errors[8][0]
    with pytest.raises(ApplicationError) as error:
        services.allocations_import(actor=district.staff, plan=plan, data=content, filename="x.xlsx", dry_run=False)
    assert "chưa ghi gì" in error.value.message and set(error.value.errors) == {2, 3, 4, 5, 7, 8}
    assert _snapshot(plan) == before


def test_allocation_import_page_previews_then_writes(client, district):
    plan = build_seed_002(district, issue=False)
    client.force_login(district.staff)
    url = reverse("allocation_import", args=[plan.pk])
    content = _edit(selectors.allocations_export(user=district.staff, plan=plan), {(3, 4): "11"})
    upload = io.BytesIO(content)
    upload.name = "phan-bo.xlsx"
    response = client.post(url, {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200 and "cập nhật: 1" in html and "10 → 11" in html
    token = response.context["token"]
    response = client.post(url, {"token": token})
    assert response.status_code == 302
    assert Allocation.objects.get(plan=plan, organization=district.units[1], category__isnull=True).quantity == 11
    bad = io.BytesIO(b"STT,TCCSD,Chi tieu\n01,Dang bo xa Khong Co,03\n")
    bad.name = "bad.csv"
    html = client.post(url, {"file": bad}).content.decode()
    assert "Không tìm thấy tổ chức" in html and 'name="token"' not in html


def test_allocation_export_of_a_term_plan_has_the_exemption_column(db):
    plan, _ = build_seed_001()
    content = selectors.allocations_export(user=plan.created_by, plan=plan)
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0] == ("STT", "Mã tổ chức", "TCCSĐ", "Chỉ tiêu", "Học viên nhận thức", "Miễn chỉ tiêu (lý do)")
    exempt = {r[2]: r[5] for r in rows[1:] if r[5]}
    assert len(exempt) == 3 and exempt["Chi bộ Khu dân cư số 1"] == "Chi bộ khu dân cư"
