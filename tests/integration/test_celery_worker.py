"""A real Celery worker on the Redis broker answers the health-check task (config.ping)."""

import pytest
from django.conf import settings
from django.db import connection, transaction

from config.celery import app as celery_app
from config.celery import ping

pytestmark = pytest.mark.celery

RESULT_TIMEOUT = 30


def test_celery_worker_answers_ping(celery_worker_process):
    assert settings.REDIS_URL and not celery_app.conf.task_always_eager, "tasks must go through the broker"

    result = ping.delay()

    assert result.get(timeout=RESULT_TIMEOUT) == "pong", celery_worker_process.log()
    assert result.successful()
    assert celery_worker_process.is_alive()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_celery_task_queued_on_commit_runs_in_worker_on_test_database(celery_worker_process):
    # Tasks are queued with transaction.on_commit (DESIGN.md): nothing leaves before the commit.
    queued = []
    with transaction.atomic():
        transaction.on_commit(lambda: queued.append(ping.delay()))
        assert queued == []

    assert queued[0].get(timeout=RESULT_TIMEOUT) == "pong", celery_worker_process.log()
    # The worker reads the database the tests write to, not the developer's one.
    assert celery_worker_process.env["DATABASE_URL"].endswith("/" + connection.settings_dict["NAME"])
