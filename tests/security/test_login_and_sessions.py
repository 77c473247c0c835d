"""Sign-in rate limiting, session expiry (idle and absolute) and CSRF on the login form."""

from __future__ import annotations

import logging
import time

from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from config.security import SessionTimeoutMiddleware
from organizations import login_throttle

PASSWORD = "matkhau-thu-nghiem"
WRONG = "sai-mat-khau-Bi-Mat-42"


def _login(client, username, password, ip="203.0.113.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_works_and_starts_both_session_clocks(client, world):
    response = _login(client, "bithu", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    session = client.session
    assert session[SESSION_KEY] == str(world.users["cell_secretary"].pk)
    assert abs(session[SessionTimeoutMiddleware.STARTED_KEY] - time.time()) < 5
    assert abs(session[SessionTimeoutMiddleware.ACTIVITY_KEY] - time.time()) < 5


def test_login_is_refused_after_too_many_failures_even_with_the_right_password(client, world, settings, caplog):
    settings.LOGIN_RATE_LIMIT_ATTEMPTS = 5
    caplog.set_level(logging.WARNING, logger="security.login")
    for _ in range(5):
        response = _login(client, "bithu", WRONG)
        assert response.status_code == 200 and "không đúng" in response.content.decode()
    refused = _login(client, "bithu", PASSWORD)
    html = refused.content.decode()
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Đăng nhập sai quá nhiều lần" in html and "15 phút" in html
    assert SESSION_KEY not in client.session
    # Logged with the account and address, never the password.
    assert any("bithu" in r.getMessage() and "203.0.113.7" in r.getMessage() for r in caplog.records)
    assert not any(WRONG in r.getMessage() or PASSWORD in r.getMessage() for r in caplog.records)
    assert any("rate limit" in r.getMessage() for r in caplog.records)


def test_login_lock_is_per_account_and_address(client, world, settings):
    settings.LOGIN_RATE_LIMIT_ATTEMPTS = 3
    for _ in range(3):
        _login(client, "bithu", WRONG)
    assert _login(client, "bithu", PASSWORD).status_code == 429
    # The same person from another address, and another account from the same address, may still sign in.
    assert _login(Client(), "bithu", PASSWORD, ip="198.51.100.1").status_code == 302
    assert _login(Client(), "vanphong", PASSWORD).status_code == 302


def test_login_lock_does_not_depend_on_case_or_accents_of_the_username(client, world, settings):
    settings.LOGIN_RATE_LIMIT_ATTEMPTS = 3
    for name in ("bithu", "BITHU", "BiThu"):
        _login(client, name, WRONG)
    assert _login(client, "bithu", PASSWORD).status_code == 429


def test_login_lock_per_address_stops_password_spraying(client, world, settings):
    settings.LOGIN_RATE_LIMIT_ATTEMPTS = 100
    settings.LOGIN_RATE_LIMIT_IP_ATTEMPTS = 4
    for index in range(4):
        _login(client, f"khong-co-{index}", WRONG)
    assert _login(client, "vanphong", PASSWORD).status_code == 429
    assert _login(Client(), "vanphong", PASSWORD, ip="198.51.100.2").status_code == 302


def test_login_success_clears_the_account_counter(client, world, settings):
    settings.LOGIN_RATE_LIMIT_ATTEMPTS = 3
    _login(client, "bithu", WRONG)
    _login(client, "bithu", WRONG)
    assert _login(client, "bithu", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    _login(client, "bithu", WRONG)
    _login(client, "bithu", WRONG)
    assert _login(client, "bithu", PASSWORD).status_code == 302


def test_login_lock_ends_when_the_window_passes(client, world, settings):
    settings.LOGIN_RATE_LIMIT_ATTEMPTS = 2
    settings.LOGIN_RATE_LIMIT_WINDOW = 1
    _login(client, "bithu", WRONG)
    _login(client, "bithu", WRONG)
    assert _login(client, "bithu", PASSWORD).status_code == 429
    time.sleep(1.1)
    assert _login(client, "bithu", PASSWORD).status_code == 302


def test_client_ip_uses_only_the_last_hop_of_the_proxy_header(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert login_throttle.client_ip(request) == "10.0.0.2"
    settings.LOGIN_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    # A client can prepend anything; the last address is the one the proxy saw.
    assert login_throttle.client_ip(request) == "203.0.113.9"


def test_login_form_requires_csrf(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "bithu", "password": PASSWORD})
    assert response.status_code == 403
    assert "CSRF" in response.content.decode() and "Biểu mẫu đã hết hạn" in response.content.decode()
    page = client.get(reverse("login"))
    token = page.cookies["csrftoken"].value
    ok = client.post(
        reverse("login"), {"username": "bithu", "password": PASSWORD, "csrfmiddlewaretoken": page.context["csrf_token"]}
    )
    assert token and ok.status_code == 302


def test_login_next_refuses_another_site(client, world):
    response = client.post(
        reverse("login") + "?next=https://evil.example/", {"username": "bithu", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")


def _age_session(client, *, idle: int = 0, since_login: int = 0) -> None:
    session = client.session
    now = int(time.time())
    session[SessionTimeoutMiddleware.ACTIVITY_KEY] = now - idle
    session[SessionTimeoutMiddleware.STARTED_KEY] = now - (since_login or idle)
    session.save()


def test_session_ends_after_idle_timeout_with_a_vietnamese_message(client, world, settings):
    client.force_login(world.users["cell_secretary"])
    url = reverse("candidate_list", args=[world.cell.pk])
    _age_session(client, idle=settings.SESSION_IDLE_TIMEOUT - 120)
    assert client.get(url).status_code == 200
    _age_session(client, idle=settings.SESSION_IDLE_TIMEOUT + 1)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "next=" in response["Location"]
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "không thao tác trong 30 phút" in page
    assert client.get(url).status_code == 302


def test_activity_keeps_the_session_alive(client, world, settings):
    client.force_login(world.users["cell_secretary"])
    url = reverse("candidate_list", args=[world.cell.pk])
    for _ in range(3):
        _age_session(client, idle=settings.SESSION_IDLE_TIMEOUT - 60, since_login=3600)
        assert client.get(url).status_code == 200
        assert time.time() - client.session[SessionTimeoutMiddleware.ACTIVITY_KEY] < 5


def test_session_ends_after_a_working_day_even_when_active(client, world, settings):
    client.force_login(world.users["cell_secretary"])
    _age_session(client, idle=10, since_login=settings.SESSION_COOKIE_AGE + 1)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and SESSION_KEY not in client.session
    assert "quá thời hạn" in client.get(response["Location"]).content.decode()


def test_idle_session_on_htmx_request_redirects_the_whole_page(client, world, settings):
    client.force_login(world.users["cell_secretary"])
    _age_session(client, idle=settings.SESSION_IDLE_TIMEOUT + 1)
    response = client.get(reverse("tree_children", args=[world.cell.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("login")


def test_idle_session_cannot_post(client, world, settings):
    from candidates.models import Candidate

    client.force_login(world.users["cell_secretary"])
    _age_session(client, idle=settings.SESSION_IDLE_TIMEOUT + 1)
    response = client.post(reverse("candidate_add", args=[world.cell.pk]), {"full_name": "Lê Văn Tâm"})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert not Candidate.objects.exists()


def test_session_cookie_is_a_browser_session_cookie_and_httponly(client, world):
    response = _login(client, "bithu", PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["max-age"] and not cookie["expires"]
