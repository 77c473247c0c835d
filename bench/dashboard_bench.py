"""The dashboard against the national database (issue 5): server time of the page and of its bare SQL aggregate.

Needs `ptdv_national`, built by bench/national_build.py (reused when present). For a province (P25, ~97 communes)
and for the root (34 provinces) it measures:

(a) the dashboard page, reverse("dashboard", args=[node.pk]) + "?nam=2025&ke_hoach=<the node's plan>", with
    Django's test Client in process (server time, no network; DEBUG off): median and p90 of REQUESTS requests
    after WARMUP warm-up requests, and, in one more request, the number of SQL queries and their time
    (CaptureQueriesContext);
(b) the bare aggregate the page stands on, written by hand and run with psycopg (client-side binding, as Django
    does): admission events dated 2025 that count (not void) under the node, grouped by the child's path prefix;
    median of REPEAT runs, plus its EXPLAIN (ANALYZE, BUFFERS);
(c) the ratio page / aggregate. Target (issue 5): province page under 300 ms and within 2x of its aggregate.

The page's slowest captured queries are run again under EXPLAIN (ANALYZE, BUFFERS) and saved too, to see where
the time goes when the target is missed.

    .venv/bin/python bench/national_build.py       # once (reused afterwards)
    .venv/bin/python bench/dashboard_bench.py
    .venv/bin/python bench/dashboard_bench.py --requests 5 --warmup 1    # quicker

Writes bench/out/dashboard_bench-<time>.json and bench/out/dashboard_explain-<time>.txt.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.national_build import (  # noqa: E402
    NATIONAL_DB,
    OUT_DIR,
    PLAN_YEAR,
    ROOT_CODE,
    build_state,
    configure_django,
    national_url,
    psycopg_url,
    server_url,
)

TARGET_MS = 300.0
TARGET_RATIO = 2.0

BARE_AGGREGATE = """
SELECT substr(org_path, 1, %(child_len)s) AS child, count(*) AS admitted
  FROM candidates_candidateevent
 WHERE kind = 'admission'
   AND org_path LIKE %(prefix)s
   AND event_date BETWEEN %(start)s AND %(end)s
   AND NOT voided
 GROUP BY 1
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=15, help="timed requests per page (15)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests per page first (2)")
    parser.add_argument("--repeat", type=int, default=15, help="runs of the bare aggregate (15)")
    parser.add_argument("--explain-top", type=int, default=3, help="slowest page queries to EXPLAIN (3)")
    return parser.parse_args()


def _percentile(sorted_values: list[float], fraction: float) -> float:
    return sorted_values[int(fraction * (len(sorted_values) - 1))]


# --- (b) the bare aggregate --------------------------------------------------------------------------------


def aggregate_params(path: str) -> dict:
    return {
        "child_len": len(path) + 5,
        "prefix": path + "%",
        "start": dt.date(PLAN_YEAR, 1, 1),
        "end": dt.date(PLAN_YEAR, 12, 31),
    }


def measure_aggregate(conn, path: str, repeat: int) -> dict:
    import psycopg

    params = aggregate_params(path)
    timings, rows = [], []
    # ClientCursor: parameters bound on the client, as Django does; a server-side generic plan would not be able
    # to turn LIKE $1 into an index range (docs/environment.md).
    with psycopg.ClientCursor(conn) as cur:
        for _ in range(2):
            cur.execute(BARE_AGGREGATE, params).fetchall()
        for _ in range(repeat):
            started = time.perf_counter()
            rows = cur.execute(BARE_AGGREGATE, params).fetchall()
            timings.append((time.perf_counter() - started) * 1000)
        explain = cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + BARE_AGGREGATE, params).fetchall()
        sql = cur.mogrify(BARE_AGGREGATE, params)
    timings.sort()
    return {
        "median_ms": round(statistics.median(timings), 2),
        "min_ms": round(timings[0], 2),
        "p90_ms": round(_percentile(timings, 0.9), 2),
        "groups": len(rows),
        "admissions": sum(n for _child, n in rows),
        "sql": sql.strip(),
        "explain": "\n".join(line for (line,) in explain),
    }


def explain_queries(conn, captured: list[dict], top: int) -> list[dict]:
    """EXPLAIN (ANALYZE, BUFFERS) of the page's slowest SELECTs, as the page sent them (client-side bound)."""
    selects = [q for q in captured if q["sql"].lstrip().upper().startswith("SELECT")]
    slowest = sorted(selects, key=lambda q: float(q["time"]), reverse=True)[:top]
    out = []
    with conn.cursor() as cur:
        for q in slowest:
            try:
                plan = cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"]).fetchall()
                text = "\n".join(line for (line,) in plan)
            except Exception as exc:  # a query Django bound in a way psql would not re-run: keep the error
                conn.rollback()
                text = f"(not explained: {exc})"
            out.append({"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"], "explain": text})
    return out


# --- (a) the page ------------------------------------------------------------------------------------------


def dashboard_url(node, plan_id: int) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        # The page reads the year from "nam" and the plan from "ke_hoach" (reports/views.py).
        return reverse("dashboard", args=[node.pk]) + f"?nam={PLAN_YEAR}&ke_hoach={plan_id}"
    except NoReverseMatch:
        return None


def measure_page(client, url: str, *, requests: int, warmup: int, expect: str = "") -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    if expect and expect not in response.content.decode():
        raise SystemExit(f"{url} does not show {expect!r}: the page did not measure against the node's plan")
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    # Counted apart from the timed requests: capturing the SQL costs time itself.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    timings.sort()
    captured = list(queries.captured_queries)
    return {
        "url": url,
        "median_ms": round(statistics.median(timings), 1),
        "min_ms": round(timings[0], 1),
        "p90_ms": round(_percentile(timings, 0.9), 1),
        "max_ms": round(timings[-1], 1),
        "queries": len(captured),
        "sql_ms": round(sum(float(q["time"]) for q in captured) * 1000, 1),
        "kb": round(len(response.content) / 1024, 1),
        "_captured": captured,
    }


def replay_page_sql(conn, captured: list[dict], repeat: int = 5) -> float:
    """Every statement the page ran, run again bare with psycopg (median of `repeat` each), summed in ms:
    what the page costs in the database alone, to compare with the page's own time."""
    total = 0.0
    for query in captured:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            conn.execute(sql).fetchall()
            runs.append((time.perf_counter() - started) * 1000)
        total += statistics.median(runs)
    return round(total, 1)


def login_for(client, usernames: list[str], url: str):
    """Log in as the first of `usernames` that may open the page (review board first, then office staff)."""
    from django.contrib.auth import get_user_model

    status = None
    for username in usernames:
        client.force_login(get_user_model().objects.get(username=username))
        status = client.get(url).status_code
        if status == 200:
            return username
    raise SystemExit(f"{url}: none of {usernames} may open it (last answer {status})")


# --- main --------------------------------------------------------------------------------------------------


def main() -> int:
    args = parse_args()
    server = server_url()
    state = build_state(server)
    if state is None:
        raise SystemExit(f"{NATIONAL_DB} is missing or unfinished: run .venv/bin/python bench/national_build.py first.")
    url = national_url(server)
    configure_django(url)
    import django
    import psycopg
    from django.db import connection
    from django.test import Client

    from organizations.models import Organization
    from planning.models import Plan

    province_code = state.get("bench_province", "P25")
    root = Organization.objects.get(depth=1, code=ROOT_CODE)
    province = Organization.objects.get(tenant=root, code=province_code)
    nodes = [
        ("province", province, state["plans"][province_code], ["bench_p25_bantochuc", "bench_p25_vanphong"]),
        ("root", root, state["plans"]["root"], ["bench_tw_bantochuc", "bench_tw_vanphong"]),
    ]
    print(
        f"{NATIONAL_DB}: {state['organizations_total']:,} organizations, {state['candidates']:,} candidates,"
        f" {state['events']:,} events (built {state['at']})"
    )
    results: dict = {}
    explains: list[str] = []
    missing_page = False
    raw = psycopg.connect(psycopg_url(url), autocommit=True)
    for label, node, plan_id, usernames in nodes:
        children = Organization.objects.filter(path__startswith=node.path, depth=node.depth + 1).count()
        result: dict = {"node": node.name, "path": node.path, "children": children, "plan": plan_id}
        result["aggregate"] = aggregate = measure_aggregate(raw, node.path, args.repeat)
        explains.append(f"=== bare aggregate, {label}: {node.name} ===\n{aggregate['sql']}\n\n{aggregate['explain']}\n")
        page_url = dashboard_url(node, plan_id)
        if page_url is None:
            missing_page = True
            result["page"] = None
        else:
            client = Client()
            result["user"] = login_for(client, usernames, page_url)
            plan_number = Plan.objects.get(pk=plan_id).number_text
            page = measure_page(client, page_url, requests=args.requests, warmup=args.warmup, expect=plan_number)
            captured = page.pop("_captured")
            page["bare_page_sql_ms"] = replay_page_sql(raw, captured)
            page["slowest"] = explain_queries(raw, captured, args.explain_top)
            for i, q in enumerate(page["slowest"], 1):
                explains.append(
                    f"=== page query {i} of {label} ({q['ms']} ms in the page) ===\n{q['sql']}\n\n{q['explain']}\n"
                )
            result["page"] = page
            result["ratio"] = round(page["median_ms"] / aggregate["median_ms"], 1)
            result["ratio_to_page_sql"] = round(page["median_ms"] / max(page["bare_page_sql_ms"], 0.1), 1)
            result["meets_target"] = (
                page["median_ms"] < TARGET_MS and result["ratio"] <= TARGET_RATIO if label == "province" else None
            )
        results[label] = result
    raw.close()
    connection.close()

    print(f"\nMedian of {args.requests} requests after {args.warmup} warm-up (page) / {args.repeat} runs (aggregate):")
    header = (
        f"{'node':<10} {'children':>8} {'page ms':>8} {'p90':>7} {'queries':>7} {'sql ms':>7}"
        f" {'aggregate ms':>12} {'p90':>6} {'admitted':>9} {'ratio':>6}"
    )
    print(header)
    print("-" * len(header))
    for label, r in results.items():
        a, p = r["aggregate"], r["page"]
        page_cols = (
            f"{p['median_ms']:>8} {p['p90_ms']:>7} {p['queries']:>7} {p['sql_ms']:>7}"
            if p
            else f"{'-':>8} {'-':>7} {'-':>7} {'-':>7}"
        )
        ratio = f"{r['ratio']:>5}x" if p else f"{'-':>6}"
        print(
            f"{label:<10} {r['children']:>8} {page_cols} {a['median_ms']:>12} {a['p90_ms']:>6}"
            f" {a['admissions']:>9,} {ratio}"
        )
    province = results["province"]
    if missing_page:
        print('\nThe dashboard page (URL name "dashboard") does not exist yet: only the aggregates were measured.')
    else:
        verdict = "met" if province["meets_target"] else "MISSED"
        print(
            f"\nTarget (province page < {TARGET_MS:.0f} ms and <= {TARGET_RATIO:.0f}x its aggregate): {verdict}"
            f" ({province['page']['median_ms']} ms, {province['ratio']}x)"
        )
        for label, r in results.items():
            print(f"  slowest queries of the {label} page:")
            for q in r["page"]["slowest"]:
                print(f"    {q['ms']:>8} ms  {' '.join(q['sql'].split())[:150]}")

    stamp = f"{dt.datetime.now():%Y%m%d-%H%M%S}"
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    explain_file = OUT_DIR / f"dashboard_explain-{stamp}.txt"
    explain_file.write_text("\n".join(explains), encoding="utf-8")
    with psycopg.connect(psycopg_url(url)) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
    report = {
        "benchmark": "dashboard_bench",
        "at": dt.datetime.now().isoformat(timespec="seconds"),
        "database": {"name": NATIONAL_DB, "postgresql": version, "built": state["at"]},
        "data": {k: state[k] for k in ("organizations_total", "candidates", "events", "admissions_2025_counted")},
        "python": platform.python_version(),
        "django": django.get_version(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "requests": args.requests,
        "warmup": args.warmup,
        "repeat": args.repeat,
        "target": {"province_ms": TARGET_MS, "ratio": TARGET_RATIO},
        "results": results,
    }
    out = OUT_DIR / f"dashboard_bench-{stamp}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    print(f"\nJSON: {out.relative_to(ROOT)}\nEXPLAIN: {explain_file.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
