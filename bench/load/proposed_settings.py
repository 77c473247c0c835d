"""The settings with the fixes proposed by the Redis drill, to check them without changing config/ (bench only):

    DJANGO_SETTINGS_MODULE=bench.load.proposed_settings bench/load/drill_redis_stop.sh

1. CELERY_TASK_IGNORE_RESULT: nothing reads task results (a Document row holds the state), but with a Redis result
   backend every apply_async() subscribes to the result key, and when Redis is down Celery retries that 20 times,
   1 s apart: the "busy" answer took ~19 s instead of ~2. Proposed: `ignore_result=True` on
   reports.tasks.render_document (or CELERY_TASK_IGNORE_RESULT = True in config/settings.py).
2. A cache that treats an unreachable Redis as a miss (bench/load/tolerant_cache.py), with short socket timeouts so
   that a Redis that hangs (rather than refuses) cannot hold a page for long.
"""

from config.settings import *  # noqa: F403
from config.settings import REDIS_URL

CELERY_TASK_IGNORE_RESULT = True
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "bench.load.tolerant_cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
