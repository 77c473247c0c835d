"""Documents rendered by real Celery workers on Redis, with the test database on PostgreSQL.

1. A user asks for a PDF through the web page; a worker renders it; the page offers the download.
2. Drill: the worker is killed (SIGKILL) in the middle of a render; another worker starts; the task, acknowledged
   late, is delivered again and exactly one ready document results.
"""

from __future__ import annotations

import time
import uuid

import pytest
from django.urls import reverse

from config.celery import app as celery_app
from reports.models import Document, Letter
from tests.factories import grant, make_org, make_tenant, make_user
from tests.integration.conftest import kill_worker, start_worker, stop_worker

pytestmark = [pytest.mark.celery, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _letter_and_staff():
    import datetime as dt

    root = make_tenant("Tỉnh ủy Hà Nam", "HNAM")
    district = make_org(root, "Huyện ủy Kim Bảng", "huyen-uy", "KIMBANG")
    staff = make_user("vp_kimbang", full_name="Trần Thị Hoa")
    grant(staff, district, "office_staff")
    letter = Letter.objects.create(
        organization=district,
        number="141-CV/HU",
        summary="tăng cường lãnh đạo, chỉ đạo thực hiện Chỉ thị số 19-CT/TU của Ban Thường vụ Tỉnh ủy",
        addressees="Các chi, đảng bộ trực thuộc Huyện ủy.",
        body="Năm 2023 đã kết nạp được 148 đảng viên mới, đạt 102,1% kế hoạch năm.",
        place="Kim Bảng",
        issued_on=dt.date(2024, 1, 19),
        recipients="Ban Tổ chức Tỉnh ủy,\nLưu VPHU.",
        signer_name="Nguyễn Văn Đoàn",
    )
    return letter, staff


def _wait_for(predicate, timeout: float, what: str, worker=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}" + (f"\n{worker.log()}" if worker else ""))


def test_pdf_requested_on_the_page_is_rendered_by_a_worker(client, reference_data, celery_worker_process):
    letter, staff = _letter_and_staff()
    client.force_login(staff)
    response = client.post(reverse("document_request"), {"kind": "letter", "subject": letter.pk})
    assert response.status_code == 302
    document = Document.objects.get()
    status_url = reverse("document_status", args=[document.pk])

    def ready():
        html = client.get(status_url).content.decode()
        return html if "Tải về PDF" in html else None

    _wait_for(ready, 60, "the status partial to offer the download", celery_worker_process)
    download = client.get(reverse("document_download", args=[document.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    document.refresh_from_db()
    assert document.attempts == 1 and document.page_count == 1


def test_worker_killed_mid_render_still_yields_exactly_one_ready_document(
    client, reference_data, worker_database_url, tmp_path, settings
):
    # A queue of its own, so that the session's worker (if started by an earlier test) does not take the task.
    queue = f"drill-{uuid.uuid4().hex[:8]}"
    settings.DOCUMENT_QUEUE = queue
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    # The dying worker pauses 30 s inside the render; both restore a lost task after 2 s of invisibility.
    common = {"CELERY_VISIBILITY_TIMEOUT": "2"}
    first = start_worker(
        queue=queue,
        database_url=worker_database_url,
        log_path=tmp_path / "first.log",
        extra_env={**common, "DOCUMENT_RENDER_DELAY_SECONDS": "30"},
    )
    second = None
    try:
        letter, staff = _letter_and_staff()
        client.force_login(staff)
        client.post(reverse("document_request"), {"kind": "letter", "subject": letter.pk})
        document = Document.objects.get()
        _wait_for(
            lambda: Document.objects.filter(pk=document.pk, status=Document.Status.RENDERING).exists(),
            60,
            "the first worker to start rendering",
            first,
        )
        kill_worker(first)
        second = start_worker(
            queue=queue, database_url=worker_database_url, log_path=tmp_path / "second.log", extra_env=common
        )
        _wait_for(
            lambda: Document.objects.filter(pk=document.pk, status=Document.Status.READY).exists(),
            90,
            "the second worker to finish the redelivered render",
            second,
        )
        time.sleep(3)  # a further redelivery, if any, would show as a new attempt
        assert Document.objects.filter(kind="letter", subject_id=letter.pk).count() == 1
        document.refresh_from_db()
        assert document.status == Document.Status.READY
        assert document.attempts == 2  # one interrupted, one complete
        assert document.file.read().startswith(b"%PDF")
    finally:
        celery_app.conf.task_always_eager = eager
        stop_worker(first.process)
        if second is not None:
            stop_worker(second.process)
