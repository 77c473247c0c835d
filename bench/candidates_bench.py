"""Benchmark of the candidate pipeline: import of 10,000 rows (time, peak memory) and the cell list, board and
subtree "what is due" pages over 50,000 candidates (time, queries).

    .venv/bin/python bench/candidates_bench.py                    # SQLite (a throw-away test database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/candidates_bench.py

Prints one line per measure. Nothing is kept: the script creates and destroys its own test database.
"""

from __future__ import annotations

import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402


def _page(client, url: str, repeat: int = 3) -> tuple[float, int]:
    client.get(url)  # warm caches (calendar, templates)
    best = float("inf")
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            best = min(best, time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    return best, queries


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run() -> None:
    from candidates.imports import candidates_import_file
    from candidates.models import Candidate
    from organizations.models import Organization, Role
    from tests.candidates.factories import bulk_candidates
    from tests.candidates.sheets import candidate_rows, xlsx
    from tests.factories import grant, make_org, make_tenant, make_user, make_wide_tree

    vendor = connection.vendor
    root = make_tenant("Tỉnh ủy Thử nghiệm", "BENCH")
    make_wide_tree(root, communes=2, cells_per_commune=50)
    codes = [f"BENCH-X{c}-C{k}" for c in range(2) for k in range(50)]
    data = xlsx(candidate_rows(codes, 10_000))
    print(f"[{vendor}] import file: 10,000 rows, {len(data) / 1024:.0f} KB .xlsx")

    # Peak Python memory of reading and checking the whole file (tracemalloc slows Python down, so it is
    # measured on a dry run; the timed run below writes everything).
    tracemalloc.start()
    preview = candidates_import_file(actor=None, at=root, source=data, filename="bench.xlsx", dry_run=True)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert preview.is_valid, preview.error_lines()[:3]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = candidates_import_file(actor=None, at=root, source=data, filename="bench.xlsx")
    elapsed = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert result.is_valid and Candidate.objects.count() == 10_000, result.error_lines()[:3]
    print(
        f"[{vendor}] import 10,000 candidates: {elapsed:.2f} s ({10_000 / elapsed:,.0f} rows/s); "
        f"peak Python memory (dry run) {peak / 1024 / 1024:.0f} MB; process max RSS {rss_after / 1024:.0f} MB "
        f"(+{(rss_after - rss_before) / 1024:.0f} MB during the import)"
    )

    commune = make_org(root, "Đảng ủy xã Lớn", "dang-uy-xa", "BIG")
    cell = make_org(commune, "Chi bộ thôn Lớn", "chi-bo", "BIG-1")
    small_cell = make_org(commune, "Chi bộ thôn Nhỏ", "chi-bo", "BIG-2")
    commune.refresh_from_db()
    started = time.perf_counter()
    bulk_candidates(cell, 50_000)
    bulk_candidates(small_cell, 40)
    print(f"[{vendor}] bulk_create 50,000 candidates: {time.perf_counter() - started:.2f} s")
    secretary, staff = make_user("bench_bithu"), make_user("bench_vanphong")
    grant(secretary, cell, Role.CELL_SECRETARY)
    grant(staff, commune, Role.OFFICE_STAFF)
    client = Client()
    pages = [
        (secretary, "cell list (50,000)", reverse("candidate_list", args=[cell.pk])),
        (secretary, "cell list, search and stage", reverse("candidate_list", args=[cell.pk]) + "?q=van&stage=dossier"),
        (secretary, "cell list, page 500", reverse("candidate_list", args=[cell.pk]) + "?trang=500"),
        (secretary, "cell board", reverse("candidate_board", args=[cell.pk])),
        (secretary, "cell what is due", reverse("due_list", args=[cell.pk])),
        (staff, "subtree what is due (50,040)", reverse("due_list", args=[commune.pk])),
        (staff, "subtree list (50,040)", reverse("candidate_list", args=[commune.pk])),
    ]
    for user, label, url in pages:
        client.force_login(user)
        best, queries = _page(client, url)
        print(f"[{vendor}] {label}: {best * 1000:.0f} ms, {queries} queries")
    assert Organization.objects.filter(pk=cell.pk).exists()


if __name__ == "__main__":
    main()
