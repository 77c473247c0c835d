"""Fixtures for tests against real services: a Celery worker process on the Redis broker.

Tests using them are marked `celery` (and `postgres` when the worker must read what the test wrote), so that
bin/test deselects them when REDIS_URL / a PostgreSQL DATABASE_URL is not set, and CI runs them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKER_START_TIMEOUT = float(os.environ.get("CELERY_TEST_WORKER_START_TIMEOUT", "60"))
WORKER_STOP_TIMEOUT = 15.0


@dataclass
class WorkerProcess:
    """A running `celery worker` subprocess: its process, node name, environment and log file."""

    process: subprocess.Popen
    nodename: str
    env: dict[str, str]
    log_path: Path

    def log(self, tail: int = 60) -> str:
        try:
            lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return ""
        return "\n".join(lines[-tail:])

    def is_alive(self) -> bool:
        return self.process.poll() is None


def _worker_database_url() -> str | None:
    """The DATABASE_URL of the test database, so that the worker reads what the tests commit.

    pytest-django renames the database (ptdv_ci -> test_ptdv_ci) in this process only. SQLite's in-memory test
    database cannot be shared with another process: the worker then keeps the environment's value.
    """
    url = os.environ.get("DATABASE_URL", "")
    if not url or connection.vendor != "postgresql":
        return url or None
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def _stop(process: subprocess.Popen) -> None:
    """Warm shutdown (SIGTERM) of the worker's whole process group, then SIGKILL if it does not exit."""
    if process.poll() is not None:
        return
    for sig, timeout in ((signal.SIGTERM, WORKER_STOP_TIMEOUT), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=timeout)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture
def celery_worker_process(_celery_worker_session: WorkerProcess) -> Iterator[WorkerProcess]:
    """A real `celery -A config worker` consuming the default queue; this test's tasks go through the broker.

    The process is shared by the whole session (it starts in a few seconds, once). For the duration of the
    test, tasks are sent to Redis even where the rest of the suite runs them inline (CELERY_TASK_ALWAYS_EAGER).
    Tests that need the worker to see their rows use `transactional_db` (committed data).
    """
    if not _celery_worker_session.is_alive():
        pytest.fail(
            f"Celery worker died (exit {_celery_worker_session.process.returncode}):\n{_celery_worker_session.log()}"
        )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield _celery_worker_session
    finally:
        celery_app.conf.task_always_eager = eager


def start_worker(
    *, queue: str, database_url: str | None, log_path: Path, extra_env: dict | None = None
) -> WorkerProcess:
    """Start `celery -A config worker` consuming `queue` and wait until it answers a ping."""
    nodename = f"ptdv-test-{uuid.uuid4().hex[:8]}@%h"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "TESTING": "1",
        "REDIS_URL": settings.REDIS_URL,
        "CONN_MAX_AGE": "0",
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "-Q",
        queue,
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
        "--loglevel=INFO",
        "-n",
        nodename,
    ]
    with log_path.open("ab") as log_file:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so that teardown reaches every child
        )
    worker = WorkerProcess(process=process, nodename=nodename, env=env, log_path=log_path)
    try:
        destination = nodename.replace("%h", socket.gethostname())
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while True:
            if not worker.is_alive():
                pytest.fail(f"Celery worker exited with {process.returncode} before ready:\n{worker.log()}")
            if celery_app.control.ping(destination=[destination], timeout=0.5):
                break
            if time.monotonic() > deadline:
                pytest.fail(f"Celery worker not ready after {WORKER_START_TIMEOUT:.0f} s:\n{worker.log()}")
        worker.nodename = destination
    except BaseException:
        stop_worker(process)
        raise
    return worker


def stop_worker(process: subprocess.Popen) -> None:
    _stop(process)


def kill_worker(worker: WorkerProcess) -> None:
    """SIGKILL the worker's whole process group at once: no warm shutdown, no acknowledgement."""
    try:
        os.killpg(worker.process.pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    worker.process.wait(timeout=10)


@pytest.fixture
def worker_database_url(django_db_blocker) -> str | None:
    with django_db_blocker.unblock():
        return _worker_database_url()


@pytest.fixture(scope="session")
def _celery_worker_session(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[WorkerProcess]:
    """Start the worker once; stop it (whole process group) after the last test, before the test database is
    dropped (this fixture depends on django_db_setup, so it is torn down first)."""
    if not settings.REDIS_URL:
        pytest.fail("celery_worker_process cần REDIS_URL (tests marked `celery` need a Redis broker)")
    with django_db_blocker.unblock():
        database_url = _worker_database_url()
    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    queues = f"{celery_app.conf.task_default_queue},{settings.DOCUMENT_QUEUE}"
    worker = start_worker(queue=queues, database_url=database_url, log_path=log_path)
    try:
        yield worker
    finally:
        _stop(worker.process)


@pytest.fixture
def reference_data(transactional_db):
    """Kinds, sectors, categories and metrics: a transactional test's flush empties the tables that the data
    migrations filled, so tests that commit reinstall them first (idempotent)."""
    from organizations.defaults import install_defaults
    from planning.defaults import install_metrics

    install_defaults()
    install_metrics()
