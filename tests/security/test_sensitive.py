"""Sensitive personal data (Luật 91/2025/QH15): national ID, ethnicity, religion, family notes never reach URLs,
logs or error pages; every view of them writes a SensitiveAccess row (who, which candidate, when)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from candidates.models import Candidate, SensitiveAccess
from tests.candidates.factories import make_candidate

SECRET_ID = "079200009876"
NEW_ID = "068198001234"
FAMILY = "Ông nội từng tham gia tổ chức X"


def _form(**extra) -> dict:
    return {
        "full_name": "Hoàng Thị Ánh",
        "listed_on": "02/01/2023",
        "sex": "female",
        "birth_date": "17/05/1998",
        "education": "upper_secondary",
        "national_id": NEW_ID,
        "ethnicity": "Tày",
        "religion": "Phật giáo",
        "family_notes": FAMILY,
        **extra,
    }


@pytest.fixture
def candidate(world):
    return make_candidate(world.cell, national_id=SECRET_ID, ethnicity="Nùng", religion="Công giáo")


def test_sensitive_values_never_reach_logs_or_urls(client, world, candidate, caplog):
    caplog.set_level(logging.DEBUG)
    client.force_login(world.users["cell_secretary"])
    urls = []
    created = client.post(reverse("candidate_add", args=[world.cell.pk]), _form())
    urls.append(created["Location"])
    new = Candidate.objects.get(national_id=NEW_ID)
    client.get(reverse("candidate_detail", args=[new.pk]))
    client.post(reverse("candidate_sensitive", args=[new.pk]))
    edit_url = reverse("candidate_edit", args=[candidate.pk])
    client.get(edit_url)
    edited = client.post(edit_url, _form(national_id=SECRET_ID, full_name=candidate.full_name, version="1"))
    urls.append(edited.get("Location", ""))
    # An invalid edit (duplicate ID) and an invalid create re-render the form: still nothing in the logs.
    client.post(edit_url, _form(national_id=NEW_ID, version="2"))
    client.post(reverse("candidate_add", args=[world.cell.pk]), _form(birth_date="31/02/1998"))
    client.post(reverse("candidate_export", args=[world.cell.pk]), {"nhay_cam": "1"})
    client.get(reverse("candidate_history", args=[candidate.pk]))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in (SECRET_ID, NEW_ID, FAMILY):
        assert secret not in logged
        assert not any(secret in url for url in urls)


def test_candidate_pages_link_only_by_id(client, world, candidate):
    client.force_login(world.users["office_staff"])
    for url in (
        reverse("candidate_list", args=[world.commune.pk]),
        reverse("candidate_detail", args=[candidate.pk]),
        reverse("due_list", args=[world.commune.pk]),
        reverse("candidate_board", args=[world.commune.pk]),
    ):
        html = client.get(url).content.decode()
        assert SECRET_ID not in html and "Công giáo" not in html and "Nùng" not in html


def test_reveal_is_post_only_and_logs_who_which_candidate_when(client, world, candidate):
    url = reverse("candidate_sensitive", args=[candidate.pk])
    client.force_login(world.users["review_board"])
    assert client.get(url).status_code == 405
    assert not SensitiveAccess.objects.exists()
    before = timezone.now()
    response = client.post(url)
    assert SECRET_ID in response.content.decode()
    log = SensitiveAccess.objects.get()
    assert log.user == world.users["review_board"] and log.candidate == candidate and log.what == "view"
    assert before - dt.timedelta(seconds=1) <= log.at <= timezone.now()
    assert "national_id" in log.fields
    # Each reveal is a new row (append-only), and the response is never cached.
    client.post(url)
    assert SensitiveAccess.objects.count() == 2
    assert "no-store" in response["Cache-Control"]


def test_opening_the_edit_form_with_sensitive_fields_is_logged(client, world, candidate):
    client.force_login(world.users["cell_secretary"])
    client.get(reverse("candidate_edit", args=[candidate.pk]))
    assert SensitiveAccess.objects.get().what == "edit"


def test_refused_reveals_write_no_log_and_show_nothing(client, world, candidate):
    for role in ("tenant_admin", "office_staff_b", "nobody"):
        client.force_login(world.users[role])
        response = client.post(reverse("candidate_sensitive", args=[candidate.pk]))
        assert response.status_code in (403, 404)
        assert SECRET_ID not in response.content.decode()
    assert not SensitiveAccess.objects.exists()


def test_error_pages_do_not_echo_the_request(client, world, candidate):
    client.force_login(world.users["cell_secretary"])
    probe = f"{SECRET_ID}<script>alert(1)</script>"
    for response in (
        client.get(f"/khong-co/{SECRET_ID}/", {"national_id": probe}),
        client.get(reverse("candidate_detail", args=[999999]), {"q": probe}),
        client.post(reverse("candidate_sensitive", args=[999999]), {"national_id": probe}),
    ):
        html = response.content.decode()
        assert response.status_code == 404
        assert SECRET_ID not in html and "<script>alert" not in html


def test_server_error_page_does_not_echo_the_request(rf, world):
    from config.error_views import server_error

    request = rf.post("/quan-chung/1/sua/", {"national_id": SECRET_ID, "family_notes": FAMILY})
    request.user = world.users["cell_secretary"]
    request.organization, request.access = None, None
    html = server_error(request).content.decode()
    assert "Lỗi hệ thống" in html and SECRET_ID not in html and FAMILY not in html


def test_unhandled_error_gives_the_generic_500_page_without_the_posted_values(world, caplog, monkeypatch):
    from candidates import views

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.services, "candidate_create", boom)
    client = Client(raise_request_exception=False)
    client.force_login(world.users["cell_secretary"])
    caplog.set_level(logging.DEBUG)
    response = client.post(reverse("candidate_add", args=[world.cell.pk]), _form())
    assert response.status_code == 500
    html = response.content.decode()
    assert "Lỗi hệ thống" in html and NEW_ID not in html and "Traceback" not in html
    assert NEW_ID not in "\n".join(r.getMessage() for r in caplog.records)
    # Django's error reporter filters the marked POST parameters (sensitive_post_parameters on the view).
    from django.views.debug import SafeExceptionReporterFilter

    request = response.wsgi_request
    filtered = SafeExceptionReporterFilter().get_post_parameters(request)
    assert filtered.get("national_id") != NEW_ID and filtered.get("family_notes") != FAMILY


def test_sensitive_export_is_post_only(client, world, candidate):
    client.force_login(world.users["cell_secretary"])
    data = client.get(reverse("candidate_export", args=[world.cell.pk]), {"nhay_cam": "1"}).content
    assert SECRET_ID.encode() not in data
    assert not SensitiveAccess.objects.exists()
