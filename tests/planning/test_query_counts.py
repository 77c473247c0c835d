"""The allocation grid loads and saves with a fixed number of queries: 5 organizations or 300 below a committee."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import Organization, Role
from planning import services
from planning.models import Allocation, Metric, Plan, Target
from planning.selectors import column_key_of
from tests.factories import grant, make_tenant, make_user, make_wide_tree

from .seeds import category, metric


def committee(code: str, children: int):
    """A committee with `children` organizations directly below it (each with one cell), a plan and its staff."""
    root = make_tenant(f"Tỉnh ủy {code}", code)
    make_wide_tree(root, communes=children, cells_per_commune=1)
    root.refresh_from_db()
    staff = make_user(f"vp_{code.lower()}")
    grant(staff, root, Role.OFFICE_STAFF)
    plan = services.plan_create(
        actor=staff, issuer=root, kind=Plan.Kind.ANNUAL, start_year=2025, title="Phát triển đảng viên năm 2025"
    )
    services.target_add(actor=staff, plan=plan, metric=metric(Metric.ADMISSIONS), kind=Target.Kind.MINIMUM, low=100)
    services.allocation_column_add(
        actor=staff, plan=plan, metric=metric(Metric.ADMISSIONS), category=category("hoc-sinh")
    )
    organizations = list(Organization.objects.filter(path__startswith=root.path, depth=2))
    assert len(organizations) == children
    return plan, staff, organizations


def _post_data(plan, organizations, value: int) -> dict:
    total, pupils = (
        column_key_of(metric(Metric.ADMISSIONS)),
        column_key_of(metric(Metric.ADMISSIONS), category("hoc-sinh")),
    )
    data = {"revision": str(plan.revision)}
    for org in organizations:
        data[f"q-{org.pk}-{total}"] = str(value)
        data[f"q-{org.pk}-{pupils}"] = "1"
        data[f"ex-{org.pk}"] = ""
    return data


def _count(client, user, method, url, data=None) -> tuple[int, object]:
    client.force_login(user)
    client.get(reverse("home"))  # the session's first request records its clocks (config.security): not counted
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, data) if method == "post" else client.get(url)
    return len(ctx.captured_queries), response


@pytest.mark.django_db
def test_allocation_grid_query_count_does_not_grow_with_300_organizations(client):
    small_plan, small_staff, small_orgs = committee("NHO", 5)
    big_plan, big_staff, big_orgs = committee("LON", 300)
    for plan, staff, orgs in ((small_plan, small_staff, small_orgs), (big_plan, big_staff, big_orgs)):
        services.allocations_save(
            actor=staff,
            plan=plan,
            rows=[services.AllocationRow(o.pk, {column_key_of(metric(Metric.ADMISSIONS)): 2}) for o in orgs],
        )
    pages = ("allocation_grid", "plan_detail", "allocation_export", "plan_list")
    for name in pages:
        small_arg = small_plan.issuer_id if name == "plan_list" else small_plan.pk
        big_arg = big_plan.issuer_id if name == "plan_list" else big_plan.pk
        small, response = _count(client, small_staff, "get", reverse(name, args=[small_arg]))
        assert response.status_code == 200
        big, response = _count(client, big_staff, "get", reverse(name, args=[big_arg]))
        assert response.status_code == 200
        assert small == big, f"{name}: {small} queries for 5 organizations, {big} for 300"
        assert big <= 30, f"{name}: {big} queries"


@pytest.mark.django_db
def test_allocation_grid_saves_300_rows_in_one_transaction_with_fixed_queries(client):
    small_plan, small_staff, small_orgs = committee("NHO", 5)
    big_plan, big_staff, big_orgs = committee("LON", 300)
    counts = []
    for plan, staff, orgs in ((small_plan, small_staff, small_orgs), (big_plan, big_staff, big_orgs)):
        plan.refresh_from_db()
        queries, response = _count(
            client, staff, "post", reverse("allocation_grid", args=[plan.pk]), _post_data(plan, orgs, 3)
        )
        assert response.status_code == 302
        assert Allocation.objects.filter(plan=plan).count() == 2 * len(orgs)
        counts.append(queries)
    # Writes are bulk: SQLite splits a bulk insert in batches of its 999 parameters (about 140 rows), so the count
    # grows by a batch per ~140 cells there, never per row; on PostgreSQL it is equal (test_postgres.py).
    assert counts[1] - counts[0] <= 600 // 140 + 1, f"save: {counts[0]} queries for 5 rows, {counts[1]} for 300"
    if connection.vendor == "postgresql":
        assert counts[0] == counts[1]
    # All or nothing: one bad cell among 300 rows leaves every row as it was.
    big_plan.refresh_from_db()
    data = _post_data(big_plan, big_orgs, 4)
    data[f"q-{big_orgs[150].pk}-{column_key_of(metric(Metric.ADMISSIONS))}"] = "bốn"
    client.post(reverse("allocation_grid", args=[big_plan.pk]), data)
    assert set(Allocation.objects.filter(plan=big_plan, category__isnull=True).values_list("quantity", flat=True)) == {
        3
    }
