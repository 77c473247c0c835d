"""Print the figures of one load run from locust's CSV files and the locustfile's custom JSON.

    python bench/load/summarize.py bench/out/load-20261122-093000

Reads <prefix>_stats.csv (the measured window: locustfile.py resets locust's statistics once every user has signed
in), <prefix>-custom.json (PDF waits, edit conflicts, the whole run with the sign-ins) and <prefix>_failures.csv.
Writes <prefix>-summary.json.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

P95_LIMIT_MS = 500


def _num(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0


def main() -> int:
    prefix = sys.argv[1]
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    custom_path = Path(f"{prefix}-custom.json")
    custom = json.loads(custom_path.read_text("utf-8")) if custom_path.exists() else {}
    failures_path = Path(f"{prefix}_failures.csv")
    failures = list(csv.DictReader(failures_path.open(encoding="utf-8"))) if failures_path.exists() else []

    total = next(r for r in rows if r["Name"] == "Aggregated")
    endpoints = sorted((r for r in rows if r["Name"] != "Aggregated"), key=lambda r: -_num(r["Request Count"]))
    agg = {
        "requests": int(_num(total["Request Count"])),
        "failures": int(_num(total["Failure Count"])),
        "rps": round(_num(total["Requests/s"]), 1),
        "p50": _num(total["50%"]),
        "p95": _num(total["95%"]),
        "p99": _num(total["99%"]),
        "max": round(_num(total["Max Response Time"])),
    }
    window = custom.get("steady_seconds")
    print(f"\n== load run {Path(prefix).name}: measured window {window} s, once every user had signed in ==")
    print(
        f"sustained {agg['rps']} req/s, {agg['requests']} requests, {agg['failures']} errors; "
        f"p50 {agg['p50']:.0f} ms, p95 {agg['p95']:.0f} ms, p99 {agg['p99']:.0f} ms, max {agg['max']} ms"
    )
    header = f"{'endpoint':58} {'reqs':>6} {'err':>4} {'rps':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6}"
    print(header)
    print("-" * len(header))
    for r in endpoints:
        name = f"{r['Type']} {r['Name']}"[:58]
        print(
            f"{name:58} {int(_num(r['Request Count'])):>6} {int(_num(r['Failure Count'])):>4} "
            f"{_num(r['Requests/s']):>6.2f} {_num(r['50%']):>6.0f} {_num(r['95%']):>6.0f} {_num(r['99%']):>6.0f} "
            f"{_num(r['Max Response Time']):>6.0f}"
        )
    if custom:
        whole, login = custom.get("whole_run_ms", {}), custom.get("login_post_ms", {})
        print(
            f"whole run incl. ramp-up: {whole.get('count')} requests, {whole.get('failures')} errors, "
            f"p50 {whole.get('p50')} ms, p95 {whole.get('p95')} ms, p99 {whole.get('p99')} ms"
        )
        print(
            f"sign-in POST (Argon2): {login.get('count')} , p50 {login.get('p50')} ms, p95 {login.get('p95')} ms, "
            f"max {login.get('max')} ms"
        )
        print(
            f"PDF: {custom.get('pdf_ready')} ready {custom.get('pdf_ready_by_kind')}, wait from request to ready "
            f"p50 {custom.get('pdf_wait_p50')} s, p95 {custom.get('pdf_wait_p95')} s, "
            f"max {custom.get('pdf_wait_max')} s; "
            f"failed {len(custom.get('pdf_failed', []))}, timed out {custom.get('pdf_timeout')}"
        )
        print(
            f"writes: {custom.get('edits')} candidate edits, {custom.get('steps')} stage steps, "
            f"{custom.get('conflicts')} refused as stale (told, nothing overwritten)"
        )
    for failure in failures[:10]:
        where = f"{failure.get('Method')} {failure.get('Name')}"
        print(f"FAILURE {where}: {failure.get('Error')} x{failure.get('Occurrences')}")
    verdict = agg["failures"] == 0 and agg["p95"] < P95_LIMIT_MS
    print(f"verdict: {'PASS' if verdict else 'FAIL'} (0 errors and p95 < {P95_LIMIT_MS} ms)")
    Path(f"{prefix}-summary.json").write_text(
        json.dumps({"aggregate": agg, "endpoints": endpoints, "custom": custom, "pass": verdict}, indent=1),
        encoding="utf-8",
    )
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())
