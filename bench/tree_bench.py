"""Benchmark of the tree pages on a province-sized tree.

Builds, in a database of its own that it creates and drops (never the one DATABASE_URL names), one tenant
root with COMMUNES commune committees of CELLS cells each (100 x 80 = 8,000 cells by default), two member-count
snapshots per organization and a tenant administrator; then measures with Django's test Client, in process
(server time, no network), the median of REQUESTS requests after WARMUP warm-up requests, and the number of SQL
queries of each page.

    .venv/bin/python bench/tree_bench.py                       # PostgreSQL at 127.0.0.1:5432 (default)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/tree_bench.py
    DATABASE_URL=sqlite:// .venv/bin/python bench/tree_bench.py --communes 20   # SQLite file in bench/out/

DATABASE_URL only says which server to use: the benchmark connects to it to create and drop `ptdv_bench`.
Writes bench/out/tree_bench-<vendor>-<time>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres"
BENCH_DB = "ptdv_bench"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--communes", type=int, default=100, help="commune committees under the root (100)")
    parser.add_argument("--cells", type=int, default=80, help="cells under each commune (80)")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page (20)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page first (3)")
    parser.add_argument("--keep", action="store_true", help=f"keep the {BENCH_DB} database afterwards")
    return parser.parse_args()


# --- the dedicated database --------------------------------------------------------------------------------


def _postgres_admin(server_url: str):
    import psycopg

    parts = urlsplit(server_url)
    admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    return psycopg.connect(admin_url, autocommit=True)


def create_database(server_url: str) -> str:
    """Create an empty benchmark database next to the one `server_url` names; return its URL."""
    if server_url.startswith("sqlite"):
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        path = OUT_DIR / f"{BENCH_DB}.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    parts = urlsplit(server_url)
    if parts.path.strip("/") == BENCH_DB:
        raise SystemExit(f"DATABASE_URL must name the server, not {BENCH_DB} itself.")
    with _postgres_admin(server_url) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DB}")
    return urlunsplit(parts._replace(path="/" + BENCH_DB))


def drop_database(server_url: str, bench_url: str) -> None:
    if bench_url.startswith("sqlite"):
        Path(urlsplit(bench_url).path).unlink(missing_ok=True)
        return
    with _postgres_admin(server_url) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def configure_django(bench_url: str) -> None:
    os.environ["DATABASE_URL"] = bench_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    # Production-like: DEBUG off (cached templates). TESTING only lifts the https redirect and the secret key.
    os.environ["DEBUG"] = "0"
    os.environ["TESTING"] = "1"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ.pop("REDIS_URL", None)  # local-memory cache, tasks inline: nothing shared with other runs
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- the tree ----------------------------------------------------------------------------------------------


def build_tree(communes: int, cells: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from organizations import services
    from organizations.bulk import NodeSpec, bulk_add
    from organizations.models import MemberCountSnapshot, Organization, OrganizationKind, Role, RoleAssignment

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()

    def kind(code: str) -> OrganizationKind:
        return OrganizationKind.objects.get(tenant__isnull=True, code=code)

    rng = random.Random(2025)
    with transaction.atomic():
        root = services.tenant_create(name="Tỉnh ủy Thử nghiệm", code="BENCH", kind=kind("tinh-uy"), issuer_code="TU")
        commune_kind, cell_kind = kind("dang-uy-xa"), kind("chi-bo")
        specs: list[NodeSpec] = []
        for c in range(communes):
            key = f"X{c:03d}"
            fields = {"name": f"Đảng ủy xã Thử nghiệm {c + 1}", "code": key, "kind": commune_kind}
            specs.append(NodeSpec(key, root, fields))
            for k in range(cells):
                cell_key = f"{key}-C{k:03d}"
                fields = {"name": f"Chi bộ thôn {k + 1} xã {c + 1}", "code": cell_key, "kind": cell_kind}
                specs.append(NodeSpec(cell_key, key, fields))
        created = bulk_add(specs, tenant_id=root.tenant_id)
        tree_built = time.perf_counter()

        members: dict[str, int] = {}
        for key in created:
            if "-C" in key:
                members[key] = rng.randint(8, 60)
        for c in range(communes):
            key = f"X{c:03d}"
            members[key] = sum(members[f"{key}-C{k:03d}"] for k in range(cells)) + rng.randint(5, 40)
        total = sum(members[f"X{c:03d}"] for c in range(communes))
        snapshots = [MemberCountSnapshot(organization=root, as_of=dt.date(2024, 12, 31), members=total)]
        snapshots.append(MemberCountSnapshot(organization=root, as_of=dt.date(2023, 12, 31), members=total - 150))
        for key, node in created.items():
            snapshots.append(MemberCountSnapshot(organization=node, as_of=dt.date(2024, 12, 31), members=members[key]))
            snapshots.append(
                MemberCountSnapshot(organization=node, as_of=dt.date(2023, 12, 31), members=max(members[key] - 2, 1))
            )
        MemberCountSnapshot.objects.bulk_create(snapshots, batch_size=5000)

        admin = get_user_model().objects.create_user("bench_quantri", first_name="Anh", last_name="Phạm Quốc")
        RoleAssignment.objects.create(user=admin, organization=root, role=Role.TENANT_ADMIN)
    finished = time.perf_counter()
    root.refresh_from_db()
    commune = created["X000"]
    commune.refresh_from_db()
    return {
        "root": root,
        "commune": commune,
        "admin": admin,
        "organizations": Organization.objects.count(),
        "snapshots": MemberCountSnapshot.objects.count(),
        "seconds": {
            "migrate": round(migrated - started, 2),
            "bulk_add": round(tree_built - migrated, 2),
            "total_build": round(finished - migrated, 2),
        },
    }


# --- measuring ---------------------------------------------------------------------------------------------


def measure(client, url: str, *, requests: int, warmup: int, headers: dict | None = None) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = headers or {}
    for _ in range(warmup):
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
    # Counted apart from the timed requests: capturing the SQL costs time itself.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    timings.sort()
    return {
        "url": url,
        "median_ms": round(statistics.median(timings), 1),
        "min_ms": round(timings[0], 1),
        "p90_ms": round(timings[int(0.9 * (len(timings) - 1))], 1),
        "max_ms": round(timings[-1], 1),
        "queries": len(queries.captured_queries),
        "sql_ms": round(sum(float(q["time"]) for q in queries.captured_queries) * 1000, 1),
        "kb": round(len(response.content) / 1024, 1),
    }


def run_pages(tree: dict, *, requests: int, warmup: int) -> dict:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(tree["admin"])
    root, commune = tree["root"], tree["commune"]
    pages = {
        "tree": (reverse("tree"), {}),
        "tree_children(root)": (reverse("tree_children", args=[root.pk]), {"HX-Request": "true"}),
        "organization_detail(root)": (reverse("organization_detail", args=[root.pk]), {}),
        "organization_detail(commune)": (reverse("organization_detail", args=[commune.pk]), {}),
    }
    return {
        name: measure(client, url, requests=requests, warmup=warmup, headers=headers)
        for name, (url, headers) in pages.items()
    }


def print_table(results: dict) -> None:
    header = f"{'page':<30} {'median ms':>10} {'min':>7} {'p90':>7} {'max':>7} {'queries':>8} {'sql ms':>7} {'KB':>7}"
    print(header)
    print("-" * len(header))
    for name, r in results.items():
        print(
            f"{name:<30} {r['median_ms']:>10} {r['min_ms']:>7} {r['p90_ms']:>7} {r['max_ms']:>7}"
            f" {r['queries']:>8} {r['sql_ms']:>7} {r['kb']:>7}"
        )


def main() -> int:
    args = parse_args()
    server_url = os.environ.get("DATABASE_URL") or DEFAULT_SERVER_URL
    bench_url = create_database(server_url)
    try:
        configure_django(bench_url)
        import django
        from django.db import connection, connections

        print(f"Building {args.communes} communes x {args.cells} cells in {BENCH_DB} ({connection.vendor}) ...")
        tree = build_tree(args.communes, args.cells)
        print(
            f"{tree['organizations']} organizations, {tree['snapshots']} member-count snapshots;"
            f" bulk_add {tree['seconds']['bulk_add']} s, whole build {tree['seconds']['total_build']} s"
        )
        results = run_pages(tree, requests=args.requests, warmup=args.warmup)
        print(f"\nMedian of {args.requests} requests after {args.warmup} warm-up, Django test Client (in process):")
        print_table(results)
        server_version = connection.get_database_version()
        report = {
            "benchmark": "tree_bench",
            "at": dt.datetime.now().isoformat(timespec="seconds"),
            "database": {"vendor": connection.vendor, "version": ".".join(map(str, server_version))},
            "python": platform.python_version(),
            "django": django.get_version(),
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
            "tree": {
                "communes": args.communes,
                "cells_per_commune": args.cells,
                "organizations": tree["organizations"],
                "member_count_snapshots": tree["snapshots"],
            },
            "build_seconds": tree["seconds"],
            "requests": args.requests,
            "warmup": args.warmup,
            "pages": results,
        }
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        out = OUT_DIR / f"tree_bench-{connection.vendor}-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
        out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"\nJSON: {out.relative_to(ROOT)}")
        connections.close_all()
    finally:
        if args.keep:
            print(f"Kept {bench_url}")
        else:
            drop_database(server_url, bench_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
