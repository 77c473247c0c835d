import datetime as dt

import pytest
from django.urls import reverse

from reports import services
from reports.models import Document, Letter

from . import pdfcheck

LETTER_BODY = (
    "Năm 2023, cấp ủy từ huyện đến cơ sở đã kết nạp được 148 đảng viên mới, đạt 102,1% kế hoạch năm.\n"
    "Nhằm tiếp tục thực hiện Chỉ thị số 19-CT/TU, Ban Thường vụ Huyện ủy yêu cầu các chi, đảng bộ trực thuộc "
    "quán triệt sâu sắc các quan điểm, chủ trương của Đảng về công tác phát triển đảng viên."
)


@pytest.fixture
def letter(world):
    world.commune.place_name = "Ka Đô"
    world.commune.save()
    return Letter.objects.create(
        organization=world.commune,
        number="141-CV/ĐU",
        summary="tăng cường lãnh đạo, chỉ đạo thực hiện Chỉ thị số 19-CT/TU",
        addressees="Các chi, đảng bộ trực thuộc.",
        body=LETTER_BODY,
        place="Ka Đô",
        issued_on=dt.date(2024, 1, 9),
        recipients="Ban Tổ chức Tỉnh ủy,\nNhư kính gửi,\nLưu Văn phòng.",
        signer_name="Nguyễn Văn Đoàn",
    )


def test_document_request_renders_inline_and_coalesces(world, letter, django_capture_on_commit_callbacks):
    staff = world.users["office_staff"]
    with django_capture_on_commit_callbacks(execute=True):
        document = services.document_request(actor=staff, kind="letter", subject_id=letter.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.READY
    assert document.attempts == 1 and document.page_count == 1
    again = services.document_request(actor=staff, kind="letter", subject_id=letter.pk)
    again.refresh_from_db()
    assert again.pk == document.pk and again.attempts == 1  # asked twice, rendered once
    letter.summary = "nội dung khác"
    letter.save()
    changed = services.document_request(actor=staff, kind="letter", subject_id=letter.pk)
    assert changed.pk != document.pk


def test_letter_pdf_follows_the_official_format(world, letter, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = services.document_request(actor=world.users["office_staff"], kind="letter", subject_id=letter.pk)
    document.refresh_from_db()
    data = document.file.read()
    width, height = pdfcheck.page_sizes_mm(data)[0]
    assert round(width) == 210 and round(height) == 297
    used = pdfcheck.fonts(data)
    assert all(name.startswith("Liberation-Serif") and embedded for name, embedded in used), used
    assert ("Liberation-Serif", True) in used
    text = pdfcheck.page_texts(data)[0]
    for expected in (
        "ĐẢNG BỘ TỈNH LÂM ĐỒNG",
        "ĐẢNG ỦY XÃ KA ĐÔ",
        "Số 141-CV/ĐU",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Ka Đô, ngày 09 tháng 01 năm 2024",
        "V/v tăng cường lãnh đạo",
        "Nơi nhận:",
        "Nguyễn Văn Đoàn",
        "102,1%",
    ):
        assert expected in text, expected
    margins = {"left": 30, "right": 15, "top": 20, "bottom": 20}
    for run in pdfcheck.text_runs(data):
        assert run.x >= (margins["left"] - 0.5) * pdfcheck.MM, run
        assert run.x <= (210 - margins["right"]) * pdfcheck.MM, run
        assert run.y <= (297 - margins["top"]) * pdfcheck.MM, run
        assert run.y >= (margins["bottom"] - 1) * pdfcheck.MM, run


def test_document_request_outside_scope_is_404_and_forbidden_role_403(client, world, letter):
    client.force_login(world.users["office_staff_b"])
    response = client.post(reverse("document_request"), {"kind": "letter", "subject": letter.pk})
    assert response.status_code == 404
    client.force_login(world.users["tenant_admin"])
    response = client.post(reverse("document_request"), {"kind": "letter", "subject": letter.pk})
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_document_pages_poll_then_offer_the_download(client, world, letter, django_capture_on_commit_callbacks):
    client.force_login(world.users["review_board"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("document_request"), {"kind": "letter", "subject": letter.pk})
    document = Document.objects.get()
    assert response["Location"] == reverse("document_detail", args=[document.pk])
    html = client.get(response["Location"]).content.decode()
    assert "Tải về PDF" in html and document.checksum in html
    download = client.get(reverse("document_download", args=[document.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_pending_document_status_polls_with_htmx(client, world, letter):
    document = Document.objects.create(
        organization=world.commune, kind="letter", subject_id=letter.pk, title="x", fingerprint="f" * 64
    )
    client.force_login(world.users["office_staff"])
    html = client.get(reverse("document_status", args=[document.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in html and "Đang chờ" in html


def test_failed_render_shows_message_and_retry_renders(
    client, world, letter, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.DOCUMENT_FONT_DIR = str(tmp_path)  # no font there: the render fails with a clear message
    staff = world.users["office_staff"]
    with django_capture_on_commit_callbacks(execute=True):
        document = services.document_request(actor=staff, kind="letter", subject_id=letter.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert "fonts-liberation2" in document.error_text
    settings.DOCUMENT_FONT_DIR = "/usr/share/fonts/truetype/liberation2"
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("document_retry", args=[document.pk]))
    document.refresh_from_db()
    assert document.status == Document.Status.READY
