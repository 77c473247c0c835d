"""Sensitive fields: shown only to roles covering the cell, after an explicit request that is logged; never in
URLs; masked in the history for others. A cell secretary finds nothing of another cell (404)."""

import io

import openpyxl
import pytest
from django.urls import reverse

from candidates import services
from candidates.models import SensitiveAccess

from .access_cases import CASES
from .factories import make_candidate

SECRET_ID = "079200009876"


@pytest.fixture
def candidate(world):
    return make_candidate(world.cell, national_id=SECRET_ID, religion="Phật giáo", ethnicity="Tày")


@pytest.mark.django_db
def test_candidate_detail_hides_sensitive_fields_until_revealed_and_logs_the_reveal(client, world, candidate):
    client.force_login(world.users["cell_secretary"])
    url = reverse("candidate_detail", args=[candidate.pk])
    page = client.get(url).content.decode()
    assert SECRET_ID not in page and "Phật giáo" not in page
    assert reverse("candidate_sensitive", args=[candidate.pk]) in page
    revealed = client.post(reverse("candidate_sensitive", args=[candidate.pk]), HTTP_HX_REQUEST="true")
    assert SECRET_ID in revealed.content.decode() and "Tày" in revealed.content.decode()
    log = SensitiveAccess.objects.get()
    assert (log.user, log.candidate, log.what) == (world.users["cell_secretary"], candidate, "view")


@pytest.mark.django_db
def test_tenant_admin_sees_the_candidate_but_never_sensitive_fields(client, world, candidate):
    services.candidate_update(
        actor=world.users["cell_secretary"], candidate=candidate, expected_version=1, religion="Công giáo"
    )
    client.force_login(world.users["tenant_admin"])
    page = client.get(reverse("candidate_detail", args=[candidate.pk])).content.decode()
    assert candidate.full_name in page and SECRET_ID not in page
    assert reverse("candidate_sensitive", args=[candidate.pk]) not in page
    assert client.post(reverse("candidate_sensitive", args=[candidate.pk])).status_code == 403
    history = client.get(reverse("candidate_history", args=[candidate.pk])).content.decode()
    assert "Công giáo" not in history and "•••" in history


@pytest.mark.django_db
def test_candidate_list_search_refuses_numbers_so_no_id_lands_in_a_url(client, world, candidate):
    client.force_login(world.users["cell_secretary"])
    page = client.get(reverse("candidate_list", args=[world.cell.pk])).content.decode()
    assert 'pattern="[^0-9]*"' in page
    response = client.get(reverse("candidate_list", args=[world.cell.pk]), {"q": SECRET_ID})
    assert "Chỉ tìm theo họ tên" in response.content.decode()


@pytest.mark.django_db
def test_candidate_export_includes_sensitive_columns_only_on_post_and_logs_it(client, world, candidate):
    client.force_login(world.users["office_staff"])
    url = reverse("candidate_export", args=[world.commune.pk])
    plain = openpyxl.load_workbook(io.BytesIO(client.get(url).content)).active
    assert SECRET_ID not in [c.value for row in plain.iter_rows() for c in row]
    assert not SensitiveAccess.objects.exists()
    full = openpyxl.load_workbook(io.BytesIO(client.post(url, {"nhay_cam": "1"}).content)).active
    assert SECRET_ID in [c.value for row in full.iter_rows() for c in row]
    assert SensitiveAccess.objects.get().what == "export"


@pytest.mark.django_db
def test_candidate_export_neutralizes_formula_like_text(client, world):
    make_candidate(world.cell, full_name="Lê Văn Tâm", occupation='=HYPERLINK("http://x")', notes="@SUM(1)")
    client.force_login(world.users["cell_secretary"])
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("candidate_export", args=[world.cell.pk])).content)
    ).active
    values = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert '\'=HYPERLINK("http://x")' in values and "'@SUM(1)" in values
    assert not any(v.startswith(("=", "@", "+", "-")) for v in values)


@pytest.mark.django_db
def test_cell_secretary_gets_404_on_every_candidate_page_of_another_cell(client, world):
    client.force_login(world.users["cell_secretary"])
    for name, case in CASES.items():
        for other in (world.sibling_cell, world.other_cell, world.cell_b):
            args, data = case.make(world, other)
            url = reverse(name, args=args)
            response = client.post(url, data) if data is not None else client.get(url)
            assert response.status_code == 404, f"{name} at {other}: {response.status_code}"
            assert SECRET_ID not in response.content.decode()
