"""Security defects this suite found in code outside tests/security, now fixed: each test guards its fix."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from organizations.models import RoleAssignment
from tests.factories import make_user

HUGE = "9" * 29


def test_candidate_form_with_a_huge_category_id_is_a_form_error_not_500(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["cell_secretary"])
    response = client.post(
        reverse("candidate_add", args=[world.cell.pk]), {"full_name": "Lê Văn Tâm", "categories": HUGE}
    )
    assert response.status_code == 200


def test_workplace_switch_does_not_redirect_to_another_site(client, world):
    client.force_login(world.users["office_staff"])
    response = client.post(reverse("workplace_switch"), {"org": world.commune.pk, "next": "https://evil.example/"})
    assert response.status_code == 302 and not response["Location"].startswith("https://evil.example")


def test_role_revoke_with_a_malformed_back_is_not_500(world):
    assignment = RoleAssignment.objects.create(user=make_user(), organization=world.cell, role="office_staff")
    client = Client(raise_request_exception=False)
    client.force_login(world.users["tenant_admin"])
    response = client.post(reverse("role_revoke", args=[assignment.pk]), {"back": "abc"})
    assert response.status_code in (302, 400)


def test_role_grant_refuses_a_common_password_for_a_new_account(client, world):
    from django.contrib.auth import get_user_model

    client.force_login(world.users["tenant_admin"])
    client.post(
        reverse("organization_roles", args=[world.commune.pk]),
        {"username": "moi-tao", "full_name": "Lê Văn Mới", "password": "12345678", "role": "office_staff"},
    )
    assert not get_user_model().objects.filter(username="moi-tao").exists()
