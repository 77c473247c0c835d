"""The printed progress report: the dashboard's figures (one selector), in the Party format."""

import datetime as dt

from django.urls import reverse

from reports import dashboards
from reports.models import Document

from . import pdfcheck


def test_progress_report_pdf_prints_the_dashboard_figures(client, kim_bang, django_capture_on_commit_callbacks):
    district, _communes, _cells, plan, board = kim_bang
    client.force_login(board)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("document_request"),
            {"kind": "progress_report", "subject": district.pk, "nam": "2023", "ky": "nam", "ke_hoach": plan.pk},
        )
    document = Document.objects.get(kind="progress_report")
    assert response["Location"] == reverse("document_detail", args=[document.pk])
    assert document.status == Document.Status.READY, document.error_text
    data = document.file.read()
    text = " ".join(" ".join(pdfcheck.page_texts(data)).split())
    progress = dashboards.quota_progress(user=board, organization=district, year=2023, today=dt.date(2023, 12, 31))
    total = progress.total.cells["ket-nap"]
    assert (total.quota, total.achieved) == (145, 148)
    assert "BÁO CÁO" in text and "HUYỆN ỦY KIM BẢNG" in text and "ĐẢNG BỘ TỈNH HÀ NAM" in text
    assert "Số …-BC/HU" in text
    assert "toàn đảng bộ kết nạp: 148 đảng viên / chỉ tiêu 145, đạt 102,1% kế hoạch năm" in text
    assert "01 Đảng bộ thị trấn Quế 50 52 104,0%" in text
    assert "Tổng cộng 145 148 102,1%" in text
    used = pdfcheck.fonts(data)
    assert all(name.startswith("Liberation-Serif") and embedded for name, embedded in used)


def test_progress_report_of_a_half_year_counts_only_that_half(kim_bang):
    district, _communes, _cells, _plan, board = kim_bang
    first_half = dashboards.quota_progress(
        user=board, organization=district, year=2023, period="6-thang-dau", today=dt.date(2023, 12, 31)
    )
    second_half = dashboards.quota_progress(
        user=board, organization=district, year=2023, period="6-thang-cuoi", today=dt.date(2023, 12, 31)
    )
    assert first_half.total.cells["ket-nap"].achieved == 148  # the scenario's decisions are dated 15/06/2023
    assert second_half.total.cells["ket-nap"].achieved == 0
    assert first_half.total.cells["ket-nap"].quota == second_half.total.cells["ket-nap"].quota == 145
