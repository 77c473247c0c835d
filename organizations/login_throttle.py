"""Login rate limiting: too many failed sign-ins for one account from one address, or from one address at all,
and the login form refuses further attempts for a while, without checking the password.

Counters live in the cache (Redis in production, so every gunicorn worker sees the same numbers). A failure is
logged with the account name and address, never the password. A successful sign-in clears the account's counter.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from config.text import nfc

logger = logging.getLogger("security.login")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds

    @property
    def message(self) -> str:
        minutes = max(1, -(-self.retry_after // 60))
        return (
            f"Đăng nhập sai quá nhiều lần. Vì an toàn, đồng chí hãy thử lại sau {minutes} phút "
            "hoặc liên hệ quản trị viên để được cấp lại mật khẩu."
        )


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the last hop of the header a trusted reverse proxy sets."""
    header = getattr(settings, "LOGIN_CLIENT_IP_HEADER", "")
    if header:
        value = request.META.get(header, "")
        # The proxy appends what it saw; anything before it was sent by the client and may be forged.
        last = value.split(",")[-1].strip()
        if last:
            return last[:64]
    return (request.META.get("REMOTE_ADDR") or "unknown")[:64]


def _normalize(username: str) -> str:
    return nfc(str(username or "")).strip().casefold()[:150]


def _keys(username: str, ip: str) -> tuple[str, str]:
    digest = hashlib.sha256(f"{_normalize(username)}\x00{ip}".encode()).hexdigest()
    return f"login-fail:user-ip:{digest}", f"login-fail:ip:{hashlib.sha256(ip.encode()).hexdigest()}"


def _window() -> int:
    return int(settings.LOGIN_RATE_LIMIT_WINDOW)


def check(*, username: str, ip: str) -> Verdict:
    """May this username try to sign in from this address now?"""
    user_key, ip_key = _keys(username, ip)
    counts = cache.get_many([user_key, ip_key])
    if counts.get(user_key, 0) >= settings.LOGIN_RATE_LIMIT_ATTEMPTS or (
        counts.get(ip_key, 0) >= settings.LOGIN_RATE_LIMIT_IP_ATTEMPTS
    ):
        return Verdict(False, retry_after=_window())
    return Verdict(True)


def _bump(key: str) -> int:
    # add() sets the window only for the first failure, so the window runs from it (a fixed window).
    if cache.add(key, 1, timeout=_window()):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=_window())
        return 1


def record_failure(*, username: str, ip: str) -> None:
    user_key, ip_key = _keys(username, ip)
    user_count = _bump(user_key)
    ip_count = _bump(ip_key)
    logger.warning(
        "login failed user=%r ip=%s failures_user_ip=%d failures_ip=%d",
        _normalize(username)[:64],
        ip,
        user_count,
        ip_count,
    )


def record_refusal(*, username: str, ip: str) -> None:
    logger.warning("login refused (rate limit) user=%r ip=%s", _normalize(username)[:64], ip)


def record_success(*, username: str, ip: str) -> None:
    user_key, _ = _keys(username, ip)
    cache.delete(user_key)
