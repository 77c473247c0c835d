"""The login page, with rate limiting of failed attempts (organizations.login_throttle)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters

from config.security import SessionTimeoutMiddleware

from . import login_throttle


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        ip = login_throttle.client_ip(request)
        verdict = login_throttle.check(username=username, ip=ip)
        if not verdict.allowed:
            # Refused before the password is checked: a locked account gives no hint whether a guess was right.
            login_throttle.record_refusal(username=username, ip=ip)
            context = self.get_context_data(form=self.get_form(), throttled=verdict.message)
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(verdict.retry_after)
            return response
        self._throttle_identity = (username, ip)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        username, ip = self._throttle_identity
        login_throttle.record_success(username=username, ip=ip)
        response = super().form_valid(form)
        SessionTimeoutMiddleware.start(self.request)
        return response

    def form_invalid(self, form):
        username, ip = self._throttle_identity
        login_throttle.record_failure(username=username, ip=ip)
        return super().form_invalid(form)
