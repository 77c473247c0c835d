"""Content security policy: scripts and styles only from our own static files; no inline script anywhere."""

import time

from django.conf import settings
from django.shortcuts import redirect, resolve_url
from django.utils.cache import add_never_cache_headers, patch_cache_control

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Django admin's own templates carry a few inline style attributes; its scripts are files.
ADMIN_POLICY = POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/quan-tri/"

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            admin = request.path.startswith(self.admin_prefix)
            response["Content-Security-Policy"] = ADMIN_POLICY if admin else POLICY
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if not settings.DEBUG:
            response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class SessionTimeoutMiddleware:
    """Sign out a session idle for SESSION_IDLE_TIMEOUT seconds, or older than SESSION_COOKIE_AGE since sign-in.

    Screens holding candidates' personal data are often left open on shared office computers. The last-activity
    time is written at most once a minute, so an active user does not cost a session write per request.
    """

    ACTIVITY_KEY = "_last_activity"
    STARTED_KEY = "_signed_in_at"
    WRITE_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self._expired(request)
            if expired:
                return self._sign_out(request, expired)
        return self.get_response(request)

    @classmethod
    def start(cls, request) -> None:
        """Called at sign-in: both clocks start now."""
        now = int(time.time())
        request.session[cls.STARTED_KEY] = now
        request.session[cls.ACTIVITY_KEY] = now

    def _expired(self, request) -> str:
        now = int(time.time())
        session = request.session
        last = session.get(self.ACTIVITY_KEY)
        started = session.get(self.STARTED_KEY)
        if isinstance(started, int) and now - started > settings.SESSION_COOKIE_AGE:
            return "Phiên làm việc đã quá thời hạn; đồng chí hãy đăng nhập lại."
        if isinstance(last, int) and now - last > settings.SESSION_IDLE_TIMEOUT:
            minutes = settings.SESSION_IDLE_TIMEOUT // 60
            return f"Phiên làm việc đã kết thúc vì không thao tác trong {minutes} phút; đồng chí hãy đăng nhập lại."
        if not isinstance(started, int):
            session[self.STARTED_KEY] = now
        if not isinstance(last, int) or now - last >= self.WRITE_EVERY:
            session[self.ACTIVITY_KEY] = now
        return ""

    def _sign_out(self, request, message: str):
        from django.contrib import messages
        from django.contrib.auth import logout
        from django.contrib.auth.views import redirect_to_login
        from django.http import HttpResponse

        logout(request)
        messages.warning(request, message)
        login_url = resolve_url(settings.LOGIN_URL)
        if request.headers.get("HX-Request") == "true":
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login_url
            return response
        next_url = request.get_full_path() if request.method == "GET" else ""
        return redirect_to_login(next_url, login_url) if next_url else redirect(login_url)


def csrf_failure(request, reason=""):
    """The CSRF refusal in Vietnamese; the reason (which may quote the request) is not shown."""
    from django.shortcuts import render

    message = (
        "Biểu mẫu đã hết hạn hoặc không hợp lệ (mã bảo vệ CSRF). Hãy tải lại trang, nhập lại và gửi lần nữa; "
        "nếu trình duyệt chặn cookie, hãy cho phép cookie của trang này."
    )
    context = {"title": "Không gửi được biểu mẫu", "message": message, "status": 403}
    return render(request, "error.html", context, status=403)


class PrivatePagesMiddleware:
    """Pages for a signed-in user are never stored by the browser or a proxy: after signing out on a shared office
    computer, the Back button must not bring back candidates' personal data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
