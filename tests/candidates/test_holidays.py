"""The holiday calendar: national days as data, tenant overrides kept by the tenant's administrator, deadlines
recomputed when it changes."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from candidates import services
from candidates.models import Candidate, CandidateEvent, Holiday
from candidates.stages import Stage
from candidates.workdays import calendar_changed, calendar_for

from .factories import make_candidate

D = dt.date


@pytest.mark.django_db
def test_calendar_for_a_tenant_uses_national_days_and_its_own_overrides(world):
    assert not calendar_for(world.root.pk).is_working_day(D(2025, 1, 27))
    Holiday.objects.create(tenant=world.root, date=D(2025, 1, 27), name="Trực Tết", is_working_day=True)
    Holiday.objects.create(tenant=world.root, date=D(2025, 3, 20), name="Ngày nghỉ riêng của tỉnh")
    calendar_changed(world.root.pk)
    cal = calendar_for(world.root.pk)
    assert cal.is_working_day(D(2025, 1, 27)) and not cal.is_working_day(D(2025, 3, 20))
    assert not calendar_for(world.root_b.pk).is_working_day(D(2025, 1, 27))


@pytest.mark.django_db
def test_holiday_add_recomputes_the_stored_deadlines_of_the_tenant(world):
    candidate = make_candidate(world.cell, stage=Stage.CELL_PROPOSED, cell_resolution_on=D(2025, 1, 10))
    services.due_dates_refresh(tenant_id=world.root.pk)
    candidate.refresh_from_db()
    assert candidate.next_due_on == D(2025, 3, 21)
    services.holiday_add(actor=world.users["tenant_admin"], organization=world.root, date=D(2025, 3, 3), name="Nghỉ")
    candidate.refresh_from_db()
    assert candidate.next_due_on == D(2025, 3, 24)


@pytest.mark.django_db
def test_holiday_page_lets_only_the_tenant_administrator_add_days(client, world):
    url = reverse("due_holidays", args=[world.commune.pk])
    data = {"date": "24/11/2025", "name": "Ngày Văn hóa Việt Nam", "basis": "Nghị quyết của tỉnh"}
    client.force_login(world.users["office_staff"])
    page = client.get(url + "?nam=2025").content.decode()
    assert "Tết Nguyên đán Ất Tỵ" in page and "Làm bù" in page
    assert client.post(url, data).status_code == 403
    client.force_login(world.users["tenant_admin"])
    assert client.post(url, data).status_code == 302
    assert Holiday.objects.get(tenant=world.root).name == "Ngày Văn hóa Việt Nam"


@pytest.mark.django_db
def test_org_paths_refresh_follows_a_moved_cell(world):
    candidate = make_candidate(world.cell)
    from organizations.models import Organization

    Organization.objects.move(Organization.objects.get(pk=world.cell.pk), world.other_commune, "last-child")
    assert services.org_paths_refresh(tenant_id=world.root.pk) == 2
    moved = Organization.objects.get(pk=world.cell.pk)
    assert Candidate.objects.get(pk=candidate.pk).org_path == moved.path
    assert set(CandidateEvent.objects.values_list("org_path", flat=True)) == {moved.path}


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_has_pattern_indexes_for_subtree_counts():
    if connection.vendor != "postgresql":
        pytest.fail("run with DATABASE_URL=postgres://...")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'candidates_%'")
        indexes = dict(cursor.fetchall())
    assert "varchar_pattern_ops" in indexes["cand_event_kind_path_pattern"]
    assert "varchar_pattern_ops" in indexes["cand_path_pattern_stage"]
    assert "cand_event_kind_path_date" in indexes
