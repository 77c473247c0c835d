"""A Redis cache that treats "Redis unreachable" as a miss instead of an error.

The product uses the cache only to go faster (the working-day calendar) or to count failed sign-ins; while Redis
is down, reads miss, writes are dropped and a warning is logged, so pages keep working (the Redis drill in
bench/load showed the candidate page and sign-in failing with the plain RedisCache). Short socket timeouts in
settings keep a Redis that hangs, rather than refuses, from holding a page.
"""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("config.cache")
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)


def _on_failure(fallback):
    def decorate(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as exc:
                logger.warning(
                    "cache: Redis unavailable in %s (%s), treated as a miss", method.__name__, type(exc).__name__
                )
                return fallback(*args, **kwargs)

        return call

    return decorate


def _missing_key(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found")  # what callers of incr() already handle


class TolerantRedisCache(RedisCache):
    get = _on_failure(lambda key, default=None, *a, **k: default)(RedisCache.get)
    get_many = _on_failure(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _on_failure(lambda *a, **k: False)(RedisCache.has_key)
    add = _on_failure(lambda *a, **k: False)(RedisCache.add)
    set = _on_failure(lambda *a, **k: None)(RedisCache.set)
    set_many = _on_failure(lambda *a, **k: [])(RedisCache.set_many)
    touch = _on_failure(lambda *a, **k: False)(RedisCache.touch)
    delete = _on_failure(lambda *a, **k: False)(RedisCache.delete)
    delete_many = _on_failure(lambda *a, **k: None)(RedisCache.delete_many)
    incr = _on_failure(_missing_key)(RedisCache.incr)
