"""PROTOTYPE of a proposed fix, used only by bench/load/proposed_settings.py for the Redis drill: a Redis cache that
treats "Redis unreachable" as a cache miss instead of an error (what django-redis calls IGNORE_EXCEPTIONS).

With it, a page that only uses the cache to go faster (the working-day calendar of the candidate page) or to count
failed sign-ins keeps working while Redis is down: reads miss, writes are dropped, a warning is logged. The proposal
for the lead is to move this into config/ and point CACHES at it in config/settings.py.
"""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("cache.redis")
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)


def _tolerant(fallback):
    def wrap(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as exc:
                logger.warning("cache unavailable in %s (%s): treated as a miss", method.__name__, type(exc).__name__)
                return fallback(*args, **kwargs)

        return call

    return wrap


def _incr_miss(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found")  # what callers of incr() already handle


class TolerantRedisCache(RedisCache):
    get = _tolerant(lambda key, default=None, *a, **k: default)(RedisCache.get)
    get_many = _tolerant(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _tolerant(lambda *a, **k: False)(RedisCache.has_key)
    add = _tolerant(lambda *a, **k: False)(RedisCache.add)
    set = _tolerant(lambda *a, **k: None)(RedisCache.set)
    set_many = _tolerant(lambda *a, **k: [])(RedisCache.set_many)
    touch = _tolerant(lambda *a, **k: False)(RedisCache.touch)
    delete = _tolerant(lambda *a, **k: False)(RedisCache.delete)
    delete_many = _tolerant(lambda *a, **k: None)(RedisCache.delete_many)
    incr = _tolerant(_incr_miss)(RedisCache.incr)
