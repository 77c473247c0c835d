"""Test settings: the environment decides the database and broker; tests only change what they must."""

import os

os.environ.setdefault("TESTING", "1")

from .settings import *  # noqa: F403
from .settings import STATIC_ROOT

# Argon2 on every test login costs seconds; the production hashers are checked by a test of their own.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Tests run Celery tasks inline whatever REDIS_URL says; tests/integration's celery_worker_process fixture
# sends its test's tasks to the real broker and worker.
CELERY_TASK_ALWAYS_EAGER = True
