"""Fault drills that run as tests: the broker unreachable while a user asks for a PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from config.celery import app as celery_app
from reports.models import Document, Letter
from reports.services import BROKER_DOWN_MESSAGE

DEAD_REDIS = "redis://127.0.0.1:1/0"  # a port where nothing listens, as when Redis is stopped


def _reset_connections() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down(settings):
    """Celery's broker and result backend both point at a stopped Redis."""
    conf = celery_app.conf
    old = (conf.broker_url, conf.result_backend, conf.task_always_eager)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    conf.task_always_eager = False
    conf.broker_url = conf.result_backend = DEAD_REDIS
    _reset_connections()
    yield
    conf.broker_url, conf.result_backend, conf.task_always_eager = old
    _reset_connections()


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


def test_pages_and_sign_in_work_when_the_cache_redis_is_down(client, world, settings):
    """With REDIS_URL set, the cache is Redis: when it is down the cache misses and pages still answer."""
    from tests.candidates.factories import make_candidate

    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.TolerantRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    candidate = make_candidate(world.cell)
    response = client.post(reverse("login"), {"username": "bithu", "password": "matkhau-thu-nghiem"})
    assert response.status_code == 302, response.content.decode()[:300]
    assert client.get(reverse("candidate_detail", args=[candidate.pk])).status_code == 200
    assert client.get(reverse("due_list", args=[world.cell.pk])).status_code == 200
