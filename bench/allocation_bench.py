"""Time the allocation grid of a committee with N organizations below it (default 300): load, page, save.

Run: .venv/bin/python bench/allocation_bench.py [--orgs 300] [--repeat 5]
With DATABASE_URL set it runs on that server (in a throw-away test database), otherwise on SQLite.
Prints the median times and the number of SQL queries of each step.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.orgs, args.repeat)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(orgs: int, repeat: int) -> None:
    from django.test import Client
    from django.urls import reverse

    from organizations.models import Category, Organization, Role
    from planning import selectors, services
    from planning.models import Allocation, Metric, Plan, Target
    from planning.selectors import column_key_of
    from tests.factories import grant, make_tenant, make_user, make_wide_tree

    root = make_tenant("Tỉnh ủy Đo tốc độ", "BENCH")
    make_wide_tree(root, communes=orgs, cells_per_commune=1)
    root.refresh_from_db()
    staff = make_user("bench_staff")
    grant(staff, root, Role.OFFICE_STAFF)
    admissions = Metric.objects.get(tenant__isnull=True, code=Metric.ADMISSIONS)
    pupils = Category.objects.get(tenant__isnull=True, code="hoc-sinh")
    plan = services.plan_create(
        actor=staff, issuer=root, kind=Plan.Kind.ANNUAL, start_year=2025, title="Phát triển đảng viên năm 2025"
    )
    services.target_add(actor=staff, plan=plan, metric=admissions, kind=Target.Kind.MINIMUM, low=orgs * 3)
    services.allocation_column_add(actor=staff, plan=plan, metric=admissions, category=pupils)
    children = list(Organization.objects.filter(path__startswith=root.path, depth=2))
    total, sub = column_key_of(admissions), column_key_of(admissions, pupils)
    client = Client()
    client.force_login(staff)
    results: dict[str, list[float]] = {}
    queries: dict[str, int] = {}

    def measure(label, func):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            func()
            elapsed = time.perf_counter() - start
        results.setdefault(label, []).append(elapsed * 1000)
        queries[label] = len(ctx.captured_queries)

    for i in range(repeat):
        value = 3 + i % 2
        rows = [services.AllocationRow(o.pk, {total: value, sub: 1}) for o in children]
        measure(
            "save (service, all rows changed)",
            lambda rows=rows: services.allocations_save(actor=staff, plan=plan, rows=rows),
        )
        measure("grid selector", lambda: selectors.allocation_grid(user=staff, plan=plan))
        url = reverse("allocation_grid", args=[plan.pk])

        def page(url=url):
            response = client.get(url)
            assert response.status_code == 200

        measure("grid page GET", page)
        plan.refresh_from_db()
        data = {"revision": str(plan.revision)}
        for o in children:
            data[f"q-{o.pk}-{total}"] = str(value + 1)
            data[f"q-{o.pk}-{sub}"] = "1"
            data[f"ex-{o.pk}"] = ""

        def post(data=data, url=url):
            response = client.post(url, data)
            assert response.status_code == 302, response.status_code

        measure("grid page POST (save)", post)
        plan.refresh_from_db()
        measure("export .xlsx", lambda: selectors.allocations_export(user=staff, plan=plan))
    assert Allocation.objects.filter(plan=plan).count() == 2 * orgs
    vendor = connection.vendor
    print(f"Allocation grid, {orgs} organizations x 2 columns ({2 * orgs} cells), {vendor}, {repeat} runs (median):")
    for label, times in results.items():
        print(f"  {label:<36} {statistics.median(times):8.1f} ms   {queries[label]:3d} queries")


if __name__ == "__main__":
    main()
