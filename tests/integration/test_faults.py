"""Fault drills that run as tests: the broker unreachable while a user asks for a PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from config.celery import app as celery_app
from reports.models import Document, Letter
from reports.services import BROKER_DOWN_MESSAGE


@pytest.fixture
def broker_down(settings):
    """Celery sends to a Redis port where nothing listens (as when Redis is stopped)."""
    old = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    celery_app.pool.force_close_all()
    yield
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = old
    celery_app.pool.force_close_all()


def test_pdf_request_with_the_broker_down_says_busy_and_pages_still_work(
    client, world, broker_down, django_capture_on_commit_callbacks
):
    letter = Letter.objects.create(
        organization=world.commune,
        number="7-CV/ĐU",
        summary="thử",
        addressees="Các chi bộ",
        body="Nội dung.",
        place="Ka Đô",
        issued_on=dt.date(2025, 3, 3),
        recipients="Lưu VP.",
        signer_name="Trần Văn Trung",
    )
    client.force_login(world.users["office_staff"])
    # The user is answered in seconds, not after minutes of retries: publishing gives up quickly.
    policy = celery_app.conf.task_publish_retry_policy
    assert celery_app.conf.broker_connection_timeout <= 5 and policy["max_retries"] <= 3
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("document_request"), {"kind": "letter", "subject": letter.pk})
    document = Document.objects.get()
    assert response["Location"] == reverse("document_detail", args=[document.pk])
    response = client.get(response["Location"])
    assert document.status == Document.Status.FAILED and document.error_text == BROKER_DOWN_MESSAGE
    html = response.content.decode()
    assert "Dịch vụ tạo văn bản đang bận" in html and "Tạo lại" in html
    for url in (
        reverse("home"),
        reverse("dashboard", args=[world.commune.pk]),
        reverse("letter_list", args=[world.commune.pk]),
    ):
        assert client.get(url).status_code == 200
