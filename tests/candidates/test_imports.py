"""Candidate list and class results from spreadsheets: preview, Vietnamese row errors, all or nothing."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from candidates.imports import candidates_import_file, class_results_import_file
from candidates.models import Candidate, CandidateEvent, Enrolment, SensitiveAccess
from candidates.stages import Stage
from config.errors import ApplicationError
from tests.factories import make_wide_tree

from .factories import enrol, make_candidate, make_class
from .sheets import candidate_rows, csv_bytes, xlsx


@pytest.mark.django_db
def test_candidates_import_file_writes_sources_events_and_categories(world):
    data = xlsx(candidate_rows(["PRO-GV1", "PRO-GV2"], 6))
    preview = candidates_import_file(actor=world.users["office_staff"], at=world.commune, source=data, dry_run=True)
    assert preview.is_valid and not Candidate.objects.exists()
    result = candidates_import_file(
        actor=world.users["office_staff"], at=world.commune, source=data, filename="ds.xlsx"
    )
    assert result.written and Candidate.objects.count() == 6
    assert set(Candidate.objects.values_list("stage", flat=True)) == {Stage.SOURCE}
    assert CandidateEvent.objects.filter(kind="created").count() == 6
    assert Candidate.objects.filter(categories__code="doan-vien").count() == 2
    assert Candidate.objects.filter(categories__code="nu").count() == 3
    assert SensitiveAccess.objects.filter(what="import").count() == 6


@pytest.mark.django_db
def test_candidates_import_file_bad_rows_give_vietnamese_errors_and_write_nothing(world):
    rows = candidate_rows(["PRO-GV1"], 7)
    rows[0][3] = "31/02/2025"  # no such date
    rows[1][0] = "KHONG-CO"  # unknown cell
    rows[2][0] = "LX-DT"  # a cell of another commune: outside the user's subtree
    rows[4][10] = rows[3][10]  # duplicate ID number
    rows[5][7] = '=HYPERLINK("http://x","y")'  # formula text
    rows[6][0] = "DD-KDC1"  # a cell of another tenant
    result = candidates_import_file(actor=world.users["cell_secretary"], at=world.cell, source=csv_bytes(rows))
    errors = result.errors_by_row()
    assert "Ngày “31/02/2025” không hợp lệ" in errors[2][0]
    assert errors[3] == [f"Không tìm thấy chi bộ mã “KHONG-CO” trong phạm vi “{world.cell.name}”."]
    assert errors[4] == [f"Không tìm thấy chi bộ mã “LX-DT” trong phạm vi “{world.cell.name}”."]
    assert errors[6] == ["Số định danh trùng với dòng 5."]
    assert "công thức" in errors[7][0]
    assert "DD-KDC1" in errors[8][0]
    assert not Candidate.objects.exists()


@pytest.mark.django_db
def test_candidates_import_file_refuses_id_numbers_already_open(world):
    make_candidate(world.cell, national_id=f"{79_000_000_001:012d}")
    result = candidates_import_file(
        actor=world.users["cell_secretary"], at=world.cell, source=xlsx(candidate_rows(["PRO-GV1"], 2))
    )
    assert result.errors_by_row() == {2: ["Số định danh đã có trong một hồ sơ khác đang theo dõi."]}
    assert Candidate.objects.count() == 1


@pytest.mark.django_db
def test_candidates_import_file_refuses_formula_cells_a_50mb_file_and_a_non_spreadsheet(world):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Mã chi bộ", "Họ và tên", "Giới tính", "Ngày sinh"])
    sheet.append(["PRO-GV1", "Lê Văn Tâm", "Nam", "=DATE(2000,1,1)"])
    output = io.BytesIO()
    workbook.save(output)
    actor, at = world.users["cell_secretary"], world.cell
    with pytest.raises(ApplicationError, match=r"công thức \(D2\)"):
        candidates_import_file(actor=actor, at=at, source=output.getvalue())
    with pytest.raises(ApplicationError, match="Tệp quá lớn"):
        candidates_import_file(actor=actor, at=at, source=b"x" * (50 * 1024 * 1024), filename="big.csv")
    with pytest.raises(ApplicationError, match="không phải bảng tính"):
        candidates_import_file(actor=actor, at=at, source=b"%PDF-1.7 ...", filename="ds.pdf")
    assert not Candidate.objects.exists()


@pytest.mark.django_db
def test_candidate_import_page_previews_then_writes_on_confirmation(client, world):
    client.force_login(world.users["cell_secretary"])
    url = reverse("candidate_import", args=[world.cell.pk])
    upload = io.BytesIO(xlsx(candidate_rows(["PRO-GV1"], 3)))
    upload.name = "danh-sach.xlsx"
    preview = client.post(url, {"file": upload})
    page = preview.content.decode()
    assert "Xác nhận nhập" in page and "790000" not in page  # ID numbers are not shown in the preview
    token = preview.context["token"]
    assert not Candidate.objects.exists()
    response = client.post(url, {"token": token, "confirm": "1"})
    assert response.status_code == 302 and Candidate.objects.count() == 3


@pytest.mark.django_db
def test_candidates_import_file_takes_10000_rows_in_one_go(world, django_assert_max_num_queries):
    """10,000 rows over 100 cells are written with a bounded number of statements (lookups cached, bulk writes).
    The time (under 30 s required) is measured by bench/candidates_bench.py, not by a timed test."""
    make_wide_tree(world.root, communes=2, cells_per_commune=50)
    codes = [f"{world.root.code}-X{c}-C{k}" for c in range(2) for k in range(50)]
    data = xlsx(candidate_rows(codes, 10_000))
    with django_assert_max_num_queries(2_000):
        result = candidates_import_file(actor=None, at=world.root, source=data, filename="10000.xlsx")
    assert result.is_valid, result.error_lines()[:5]
    assert Candidate.objects.count() == 10_000


@pytest.mark.django_db
def test_candidates_import_command_all_or_nothing(world, tmp_path):
    path = tmp_path / "ds.csv"
    rows = candidate_rows(["PRO-GV1"], 3)
    rows[1][3] = "31/02/2025"
    path.write_bytes(csv_bytes(rows))
    with pytest.raises(CommandError, match="Dòng 3"):
        call_command("candidates_import", str(path), "--tenant", "LD", "--at", "PRO")
    assert not Candidate.objects.exists()
    path.write_bytes(csv_bytes(candidate_rows(["PRO-GV1"], 3)))
    call_command("candidates_import", str(path), "--tenant", "LD", "--at", "PRO")
    assert Candidate.objects.count() == 3


@pytest.mark.django_db
def test_class_results_import_feeds_certificates_into_the_stage_machine(world):
    training_class = make_class(world.commune)
    outstanding = make_candidate(world.cell, stage=Stage.OUTSTANDING)
    source = make_candidate(world.cell, stage=Stage.SOURCE)
    enrolments = [enrol(training_class, outstanding), enrol(training_class, source)]
    headers = ["Mã hồ sơ", "Họ và tên", "Kết quả", "Số giấy chứng nhận", "Ngày cấp"]
    rows = [
        [outstanding.pk, "", "Hoàn thành", "GCN-1", "10/03/2025"],
        [source.pk, "", "Hoàn thành", "GCN-1", "10/03/2025"],
    ]
    result = class_results_import_file(
        actor=world.users["cell_secretary"],
        training_class=training_class,
        enrolments=enrolments,
        source=xlsx(rows, headers),
    )
    assert not result.is_valid and "trùng" in str(result.error_lines())
    rows[1][3] = "GCN-2"
    result = class_results_import_file(
        actor=world.users["cell_secretary"],
        training_class=training_class,
        enrolments=enrolments,
        source=xlsx(rows, headers),
    )
    assert result.is_valid and result.written
    outstanding.refresh_from_db()
    source.refresh_from_db()
    assert outstanding.stage == Stage.TRAINED and outstanding.awareness_cert_number == "GCN-1"
    assert source.stage == Stage.SOURCE and source.awareness_cert_number == "GCN-2"
    assert Enrolment.objects.filter(result="passed").count() == 2


@pytest.mark.django_db
def test_class_results_export_lists_learners_in_scope(client, world):
    training_class = make_class(world.commune)
    enrol(training_class, make_candidate(world.cell, full_name="Lê Thị Yến"))
    enrol(training_class, make_candidate(world.sibling_cell, full_name="Ngô Văn Sơn"))
    client.force_login(world.users["cell_secretary"])
    content = client.get(reverse("class_results_export", args=[training_class.pk])).content
    values = [c.value for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows() for c in row]
    assert "Lê Thị Yến" in values and "Ngô Văn Sơn" not in values
