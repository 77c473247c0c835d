"""Security defects found by this suite in code outside tests/security, pinned as strict xfails: each passes (and so
fails here, as a reminder to drop the marker) once the fix described in the reason is made."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from organizations.models import RoleAssignment
from tests.factories import make_user

HUGE = "9" * 29


@pytest.mark.xfail(
    strict=True,
    reason="candidates/forms.py CandidateForm.categories (ModelMultipleChoiceField): an id beyond 64 bits reaches "
    "`pk__in` and the database driver raises OverflowError -> 500. Fix: a ModelMultipleChoiceField subclass whose "
    "clean() refuses values not matching ^[0-9]{1,18}$ with the 'invalid_pk_value' error.",
)
def test_candidate_form_with_a_huge_category_id_is_a_form_error_not_500(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["cell_secretary"])
    response = client.post(
        reverse("candidate_add", args=[world.cell.pk]), {"full_name": "Lê Văn Tâm", "categories": HUGE}
    )
    assert response.status_code == 200


@pytest.mark.xfail(
    strict=True,
    reason="organizations/views.py workplace_switch: `redirect(request.POST.get('next') or 'home')` follows any "
    "absolute URL (open redirect). Fix: keep `next` only if url_has_allowed_host_and_scheme(next, "
    "allowed_hosts={request.get_host()}, require_https=request.is_secure()), else 'home'.",
)
def test_workplace_switch_does_not_redirect_to_another_site(client, world):
    client.force_login(world.users["office_staff"])
    response = client.post(reverse("workplace_switch"), {"org": world.commune.pk, "next": "https://evil.example/"})
    assert response.status_code == 302 and not response["Location"].startswith("https://evil.example")


@pytest.mark.xfail(
    strict=True,
    reason="organizations/views.py role_revoke (last line): `redirect('organization_roles', pk=request.POST.get('back')"
    " or ...)` with a non-numeric `back` raises NoReverseMatch -> 500 (and the posted value lands in the error log). "
    "Fix: use assignment.organization_id, or `back` only when it is a string of digits.",
)
def test_role_revoke_with_a_malformed_back_is_not_500(world):
    assignment = RoleAssignment.objects.create(user=make_user(), organization=world.cell, role="office_staff")
    client = Client(raise_request_exception=False)
    client.force_login(world.users["tenant_admin"])
    response = client.post(reverse("role_revoke", args=[assignment.pk]), {"back": "abc"})
    assert response.status_code in (302, 400)


@pytest.mark.xfail(
    strict=True,
    reason="organizations/services.py role_grant: a new account's initial password is only checked for length >= 8, "
    "not with AUTH_PASSWORD_VALIDATORS. Fix: call django.contrib.auth.password_validation.validate_password(password, "
    "user) before set_password and turn ValidationError into ApplicationError(errors={'password': [...]}).",
)
def test_role_grant_refuses_a_common_password_for_a_new_account(client, world):
    from django.contrib.auth import get_user_model

    client.force_login(world.users["tenant_admin"])
    client.post(
        reverse("organization_roles", args=[world.commune.pk]),
        {"username": "moi-tao", "full_name": "Lê Văn Mới", "password": "12345678", "role": "office_staff"},
    )
    assert not get_user_model().objects.filter(username="moi-tao").exists()
