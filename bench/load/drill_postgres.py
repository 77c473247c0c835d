"""PostgreSQL restarted under a steady light load (issue 7 part 4). Run by bench/load/drill_postgres_restart.sh.

A few simulated users (cell secretaries editing candidates, review boards opening the dashboard) send requests
in a loop for --duration seconds; at --restart-at seconds the drill runs the --restart command once. It records
every request (start, time taken, answer), and prints:
- requests OK / failed for each second around the restart, with how they failed (our Vietnamese 500 page, a plain
  500, 502/503, a client timeout or a refused connection) and the slowest answer (no hang beyond timeouts);
- the time from the restart to the first success and to the last failure (recovery without restarting gunicorn);
- row counts of the drill database before the restart and after recovery, and that every edit the app
  acknowledged (302) is in the database with its text (nothing committed is lost).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import subprocess
import threading
import time
from collections import Counter, defaultdict

import requests
import webclient

TABLES = [
    "candidates_candidate",
    "candidates_candidatechange",
    "candidates_candidateevent",
    "candidates_sensitiveaccess",
    "django_session",
]


def psql(url: str, sql: str) -> list[list[str]]:
    out = subprocess.run(
        ["psql", url, "-XAtq", "-F", "\t", "-c", sql], check=True, capture_output=True, text=True, timeout=30
    ).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def counts(url: str) -> dict[str, int]:
    sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in TABLES)
    return {name: int(value) for name, value in psql(url, sql)}


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: list[dict] = []
        self.acknowledged: dict[int, str] = {}  # candidate id -> the last note the app said it saved

    def add(self, **row) -> None:
        with self.lock:
            self.requests.append(row)


def _outcome(response: requests.Response | None, error: Exception | None) -> str:
    if error is not None:
        if isinstance(error, requests.Timeout):
            return "client timeout"
        if isinstance(error, requests.ConnectionError):
            return "connection error"
        return type(error).__name__
    assert response is not None
    if response.status_code in (200, 302):
        return "ok"
    if response.status_code == 500:
        return "500 our page" if "Lỗi hệ thống" in response.text else "500 plain"
    return f"HTTP {response.status_code}"


class Client(threading.Thread):
    def __init__(
        self, base: str, username: str, role: str, fixture: dict, recorder: Recorder, until: float, timeout: float
    ) -> None:
        super().__init__(daemon=True)
        self.base, self.username, self.password, self.role = base, username, fixture["password"], role
        self.fixture, self.recorder, self.until, self.timeout = fixture, recorder, until, timeout
        self.session = requests.Session()
        self.sequence = 0

    def call(self, method: str, path: str, what: str, **kwargs) -> requests.Response | None:
        started = time.time()
        response, error = None, None
        try:
            response = self.session.request(method, self.base + path, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            error = exc
        outcome = _outcome(response, error)
        self.recorder.add(start=started, seconds=time.time() - started, what=what, outcome=outcome)
        return response if outcome == "ok" else None

    def run(self) -> None:
        if not webclient.login(self.session, self.base, self.username, self.password, timeout=self.timeout):
            raise SystemExit(f"cannot sign in as {self.username}")
        if self.role == "secretary":
            cell = next(s["cell"] for s in self.fixture["secretaries"] if s["username"] == self.username)
            listing = self.session.get(f"{self.base}/quan-chung/to-chuc/{cell}/", timeout=self.timeout).text
            candidates = webclient.links(listing, r"/quan-chung/\d+/")
        while time.time() < self.until:
            if self.role == "secretary":
                self.secretary_turn(cell, random.choice(candidates))
            else:
                query = f"?nam={self.fixture['year']}&ke_hoach={self.fixture['plan']}"
                self.call("GET", f"/bao-cao/to-chuc/{self.fixture['district']}/{query}", "dashboard")
            time.sleep(random.uniform(0.1, 0.4))

    def secretary_turn(self, cell: int, candidate: str) -> None:
        page = self.call("GET", f"{candidate}sua/", "edit form")
        form = webclient.form_with(page.text, "version") if page is not None else None
        if form is None:
            self.call("GET", f"/quan-chung/to-chuc/{cell}/", "candidate list")
            return
        self.sequence += 1
        note = f"drill {self.username} #{self.sequence}"
        response = self.call("POST", f"{candidate}sua/", "edit POST", data=form.data(notes=note), allow_redirects=False)
        if response is not None and response.status_code == 302:
            with self.recorder.lock:
                self.recorder.acknowledged[int(candidate.strip("/").split("/")[-1])] = note


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--fixture", required=True)
    parser.add_argument("--db-url", required=True, help="the drill database, for the row counts")
    parser.add_argument("--restart", required=True, help="shell command that restarts PostgreSQL (run once)")
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--restart-at", type=float, default=20)
    parser.add_argument("--timeout", type=float, default=15)
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    with open(args.fixture, encoding="utf-8") as handle:
        fixture = json.load(handle)
    recorder = Recorder()
    began = time.time()
    until = began + args.duration
    users = [(s["username"], "secretary") for s in fixture["secretaries"]] + [(b, "board") for b in fixture["boards"]]
    clients = [Client(args.base, name, role, fixture, recorder, until, args.timeout) for name, role in users]
    for client in clients:
        client.start()
    print(
        f"{len(clients)} users ({len(fixture['secretaries'])} secretaries editing, {len(fixture['boards'])} boards)"
        f" for {args.duration:.0f} s; restart at {args.restart_at:.0f} s",
        flush=True,
    )
    time.sleep(max(0.0, began + args.restart_at - time.time()))
    before = counts(args.db_url)
    acknowledged_before = dict(recorder.acknowledged)
    restart_at = time.time()
    print(f"[{time.strftime('%H:%M:%S')}] restarting PostgreSQL: {args.restart}", flush=True)
    result = subprocess.run(args.restart, shell=True, capture_output=True, text=True, timeout=120)
    restart_took = time.time() - restart_at
    print(
        f"[{time.strftime('%H:%M:%S')}] restart command exited {result.returncode} after {restart_took:.1f} s "
        f"{result.stderr.strip()[:200]}",
        flush=True,
    )
    for client in clients:
        client.join(args.duration + args.timeout + 30)
    after = counts(args.db_url)

    rows = sorted(recorder.requests, key=lambda r: r["start"])
    by_second: dict[int, Counter] = defaultdict(Counter)
    for row in rows:
        by_second[math.floor(row["start"] - restart_at)][row["outcome"]] += 1
    print("\nsecond (0 = restart)  ok  failed  how")
    for second in range(min(by_second), max(by_second) + 1):
        tally = by_second.get(second, Counter())
        failed = {k: v for k, v in tally.items() if k != "ok"}
        if -5 <= second <= 20 or failed:
            how = ", ".join(f"{k} {v}" for k, v in sorted(failed.items()))
            print(f"{second:>6}              {tally['ok']:>4}  {sum(failed.values()):>5}   {how}")
    failures = [r for r in rows if r["outcome"] != "ok"]
    after_restart = [r for r in rows if r["start"] >= restart_at]
    first_ok = next((r for r in after_restart if r["outcome"] == "ok" and r["start"] > restart_at), None)
    last_failure = failures[-1] if failures else None
    slowest = max(rows, key=lambda r: r["seconds"])
    outcomes = Counter(r["outcome"] for r in rows)
    print("\n== PostgreSQL restart drill summary ==")
    print(f"requests: {len(rows)}; " + ", ".join(f"{k} {v}" for k, v in outcomes.most_common()))
    print(f"restart command took {restart_took:.1f} s")
    if failures:
        print(
            f"failed requests started from {failures[0]['start'] - restart_at:+.1f} s to "
            f"{last_failure['start'] - restart_at:+.1f} s from the restart (in flight when it began, or during it)"
        )
    if first_ok:
        print(f"first success after the restart began: +{first_ok['start'] + first_ok['seconds'] - restart_at:.1f} s")
    recovered = last_failure is None or any(r["outcome"] == "ok" and r["start"] > last_failure["start"] for r in rows)
    recovery = (last_failure["start"] + last_failure["seconds"] - restart_at) if last_failure else 0.0
    print(
        f"recovered without restarting gunicorn: {'yes' if recovered else 'NO'}; all requests OK again "
        f"{recovery:.1f} s after the restart began"
    )
    print(
        f"slowest answer: {slowest['seconds']:.2f} s ({slowest['what']}, {slowest['outcome']}); "
        f"client timeout {args.timeout:.0f} s"
    )
    print("rows before the restart -> after recovery:")
    lost = []
    for table in TABLES:
        print(f"  {table:30} {before[table]:>7} -> {after[table]:>7}")
        if after[table] < before[table] and table != "django_session":
            lost.append(table)
    ids = sorted(recorder.acknowledged)
    id_list = ",".join(map(str, ids)) or "NULL"
    saved = {
        int(i): note
        for i, note in psql(args.db_url, f"SELECT id, notes FROM candidates_candidate WHERE id IN ({id_list})")
    }
    missing = [i for i in ids if saved.get(i) != recorder.acknowledged[i]]
    print(
        f"acknowledged edits: {len(acknowledged_before)} candidates before the restart, {len(ids)} in all; "
        f"last acknowledged text in the database for {len(ids) - len(missing)}/{len(ids)}"
    )
    ok = recovered and not lost and not missing and result.returncode == 0 and slowest["seconds"] < args.timeout
    plain = outcomes.get("500 plain", 0)
    if plain:
        print(f"note: {plain} answers were a plain 500 (not our Vietnamese error page)")
    print(f"verdict: {'PASS' if ok else 'FAIL'} (clean failures, recovery, nothing acknowledged lost)")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            json.dump({"requests": rows, "before": before, "after": after, "restart_at": restart_at}, handle)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
