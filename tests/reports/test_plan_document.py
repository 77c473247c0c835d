"""The printed plan of seed 002 rendered from data, checked the way document-format.md says."""

import datetime as dt

import pytest

from planning import services as planning_services
from planning.models import Metric, Plan
from planning.selectors import column_key_of
from reports import services
from reports.models import Document
from tests.factories import make_org
from tests.planning.seeds import build_seed_002, metric

from . import pdfcheck


def _render(user, plan, capture) -> bytes:
    with capture(execute=True):
        document = services.document_request(actor=user, kind="plan", subject_id=plan.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.READY, document.error_text
    return document.file.read()


def _page_number_runs(data: bytes):
    """Runs printed in the top margin, centred: the page numbers."""
    top = (297 - 20) * pdfcheck.MM
    return [r for r in pdfcheck.text_runs(data) if r.y > top and abs(r.x - 105 * pdfcheck.MM) < 25 * pdfcheck.MM]


def test_plan_pdf_of_seed_002_has_header_body_closing_and_annex(district, django_capture_on_commit_callbacks):
    plan = build_seed_002(district)
    data = _render(district.staff, plan, django_capture_on_commit_callbacks)
    sizes = pdfcheck.page_sizes_mm(data)
    assert all(round(w) == 210 and round(h) == 297 for w, h in sizes)
    used = pdfcheck.fonts(data)
    assert all(name.startswith("Liberation-Serif") and embedded for name, embedded in used), used
    pages = pdfcheck.page_texts(data)
    first, annex = pages[0], pages[-1]
    for expected in (
        "ĐẢNG BỘ TỈNH LÂM ĐỒNG",
        "HUYỆN ỦY ĐƠN DƯƠNG",
        "Số 12-KH/HU",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Đơn Dương, ngày 15 tháng 01 năm 2025",
        "KẾ HOẠCH",
        "Phát triển đảng viên năm 2025",
    ):
        assert expected in first, expected
    body = "\n".join(pages)
    assert "- Kết nạp đảng viên năm 2025: từ 88 đảng viên trở lên (có phân bổ chi tiết kèm theo)." in " ".join(
        body.split()
    )
    assert "T/M BAN THƯỜNG VỤ" in body and "Đinh Thị Mai" in body and "Nơi nhận:" in body
    assert "DỰ THẢO" not in body  # issued: no draft watermark
    assert "PHÂN BỔ CHỈ TIÊU PHÁT TRIỂN ĐẢNG VIÊN NĂM 2025" in annex
    assert "(Kèm theo Kế hoạch số 12-KH/HU, ngày 15/01/2025" in annex.replace("\n", " ")
    assert "Đảng bộ Công an huyện 03" in annex
    assert annex.count("(01 HS)") == 4  # the four upper-secondary schools
    assert "Tổng cộng 91 (04 HS)" in annex
    # Page numbers from page 2, top centre; none on page 1.
    numbers = _page_number_runs(data)
    assert [r.page for r in numbers] == list(range(1, len(pages)))
    assert [r.text.strip() for r in numbers] == [str(p + 1) for p in range(1, len(pages))]
    # Everything else stays inside the margins.
    for run in pdfcheck.text_runs(data):
        if run in numbers:
            continue
        assert 30 * pdfcheck.MM - 1 <= run.x <= (210 - 15) * pdfcheck.MM, run
        assert 20 * pdfcheck.MM - 2 <= run.y <= (297 - 20) * pdfcheck.MM, run


def test_draft_plan_pdf_carries_the_draft_watermark(district, django_capture_on_commit_callbacks):
    plan = build_seed_002(district, issue=False)
    data = _render(district.staff, plan, django_capture_on_commit_callbacks)
    assert "DỰ THẢO" in pdfcheck.page_texts(data)[0]


def test_annex_of_sixty_rows_repeats_its_header_on_the_next_page(district, django_capture_on_commit_callbacks):
    extra = [make_org(district.district, f"Chi bộ thôn số {i}", "chi-bo", f"THON{i:02d}") for i in range(1, 46)]
    plan = planning_services.plan_create(
        actor=district.staff,
        issuer=district.district,
        kind=Plan.Kind.ANNUAL,
        start_year=2026,
        title="Phát triển đảng viên năm 2026",
    )
    key = column_key_of(metric(Metric.ADMISSIONS))
    rows = [
        planning_services.AllocationRow(organization_id=org.pk, values={key: 1 + i % 3})
        for i, org in enumerate([*district.units, *extra])
    ]
    planning_services.allocations_save(actor=district.staff, plan=plan, rows=rows)
    data = _render(district.staff, plan, django_capture_on_commit_callbacks)
    pages = pdfcheck.page_texts(data)
    annex_pages = [i for i, text in enumerate(pages) if "Chi bộ thôn số" in text]
    assert len(annex_pages) >= 2
    for index in annex_pages:
        assert "STT" in pages[index] and "CHỈ TIÊU" in pages[index], index
    assert "Chi bộ thôn số 45" in pages[annex_pages[-1]]
    assert "Tổng cộng" in pages[annex_pages[-1]]


@pytest.mark.parametrize("role", ["staff", "board"])
def test_issued_plan_pdf_is_coalesced_for_everyone(district, role, django_capture_on_commit_callbacks):
    plan = build_seed_002(district)
    user = getattr(district, role)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.document_request(actor=user, kind="plan", subject_id=plan.pk)
        second = services.document_request(actor=district.staff, kind="plan", subject_id=plan.pk)
    assert first.pk == second.pk
    assert dt.date.today()  # the fingerprint does not depend on who asks or when


def test_issued_plan_keeps_one_official_pdf_even_if_data_around_it_changes(
    district, django_capture_on_commit_callbacks
):
    plan = build_seed_002(district)
    with django_capture_on_commit_callbacks(execute=True):
        official = services.document_request(actor=district.staff, kind="plan", subject_id=plan.pk)
    official.refresh_from_db()
    assert official.final and official.status == Document.Status.READY
    district.district.name = "Huyện ủy Đơn Dương (đổi tên)"
    district.district.save()
    with django_capture_on_commit_callbacks(execute=True):
        again = services.document_request(actor=district.board, kind="plan", subject_id=plan.pk)
    assert again.pk == official.pk and again.checksum == official.checksum


def test_signed_copy_upload_accepts_pdf_only_for_issued_plans(client, district):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from reports.models import SignedCopy

    draft = build_seed_002(district, issue=False)
    client.force_login(district.staff)
    url = reverse("plan_documents", args=[draft.pk])
    client.post(url, {"file": SimpleUploadedFile("ky.pdf", b"%PDF-1.4 scan", content_type="application/pdf")})
    assert not SignedCopy.objects.exists()
    draft.status = Plan.Status.ISSUED
    draft.save()
    response = client.post(url, {"file": SimpleUploadedFile("ky.pdf", b"MZ not a pdf")}, follow=True)
    assert "Tệp không phải PDF" in response.content.decode()
    client.post(url, {"file": SimpleUploadedFile("ky.pdf", b"%PDF-1.4 scan"), "note": "Bản lưu"})
    copy = SignedCopy.objects.get()
    assert copy.size == len(b"%PDF-1.4 scan") and copy.organization == district.district
    client.force_login(district.board)
    assert client.get(reverse("signed_copy_download", args=[copy.pk])).status_code == 200
    response = client.post(url, {"file": SimpleUploadedFile("ky.pdf", b"%PDF-1.4 other")})
    assert response.status_code == 403 and SignedCopy.objects.count() == 1  # the board reads, does not upload
