"""Production settings, checked in a separate process with the environment a deployment gives (DEBUG=0, a real
SECRET_KEY, a host name, no TESTING): `check --deploy` must be clean and the security settings as intended."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def production_env(tmp_path_factory) -> dict[str, str]:
    # A deployment sets none of these (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for their live server).
    dropped = {"TESTING", "DJANGO_SETTINGS_MODULE", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    for name in ("SECURE_SSL_REDIRECT", "SECURE_COOKIES", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_AGE"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="example.org",
        VAR_DIR=str(tmp_path_factory.mktemp("var")),
        PYTHONWARNINGS="ignore",
    )
    return env


def _manage(env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_under_production_settings(production_env):
    result = _manage(production_env, "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output and "?: (security." not in output, output


def test_check_deploy_fails_without_a_secret_key(production_env):
    env = {**production_env, "SECRET_KEY": ""}
    result = _manage(env, "check", "--deploy")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


PROBE = """
import json
from django.conf import settings as s
from django.contrib.auth.hashers import make_password
print(json.dumps({
    "hash": make_password("mat-khau-thu-1234"),
    "debug": s.DEBUG,
    "ssl_redirect": s.SECURE_SSL_REDIRECT,
    "proxy_header": list(s.SECURE_PROXY_SSL_HEADER or []),
    "session_secure": s.SESSION_COOKIE_SECURE,
    "session_httponly": s.SESSION_COOKIE_HTTPONLY,
    "csrf_secure": s.CSRF_COOKIE_SECURE,
    "hsts": s.SECURE_HSTS_SECONDS,
    "hsts_sub": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "nosniff": s.SECURE_CONTENT_TYPE_NOSNIFF,
    "frame": s.X_FRAME_OPTIONS,
    "session_age": s.SESSION_COOKIE_AGE,
    "idle": s.SESSION_IDLE_TIMEOUT,
    "browser_close": s.SESSION_EXPIRE_AT_BROWSER_CLOSE,
    "middleware": s.MIDDLEWARE,
    "upload_memory": s.DATA_UPLOAD_MAX_MEMORY_SIZE,
    "hashers": s.PASSWORD_HASHERS,
}))
"""


def test_production_settings_are_secure_and_hash_passwords_with_argon2(production_env):
    result = _manage(production_env, "shell", "-c", PROBE)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    # Argon2id at Django's own default cost (no tuning down), PBKDF2 kept only to verify older hashes.
    hasher = Argon2PasswordHasher()
    prefix = f"argon2$argon2id$v=19$m={hasher.memory_cost},t={hasher.time_cost},p={hasher.parallelism}$"
    assert found["hash"].startswith(prefix), found["hash"]
    assert found["hashers"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert not any("MD5" in h or "SHA1" in h or "Unsalted" in h for h in found["hashers"])
    assert found["debug"] is False
    assert found["ssl_redirect"] and found["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert found["session_secure"] and found["csrf_secure"] and found["session_httponly"]
    assert found["hsts"] >= 365 * 24 * 3600 and found["hsts_sub"]
    assert found["nosniff"] and found["frame"] == "DENY"
    assert found["session_age"] == 8 * 3600 and found["browser_close"]
    assert 30 * 60 <= found["idle"] <= 60 * 60
    assert found["upload_memory"] <= 10 * 1024 * 1024
    middleware = found["middleware"]
    for name in (
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "config.security.ContentSecurityPolicyMiddleware",
        "config.security.SessionTimeoutMiddleware",
    ):
        assert name in middleware, name
    assert middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") < middleware.index(
        "config.security.SessionTimeoutMiddleware"
    )


def test_tests_keep_the_fast_hasher_only_in_test_settings(settings):
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
