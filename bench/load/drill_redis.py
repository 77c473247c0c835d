"""Redis stopped under a running app (issue 7 part 4). Run by bench/load/drill_redis_stop.sh, which starts its own
redis-server (never the shared one), gunicorn and a Celery worker, and passes the commands that stop and start
that redis-server.

1. Redis up: sign in (office staff, cell secretary), open pages, ask for a progress-report PDF: ready.
2. Redis stopped: sign in again (new sessions), open the same pages with the existing sessions, edit a candidate,
   ask for a PDF: the answer must come within seconds and say the service is busy; the document row is kept
   (status "failed" with the busy message) and offers "Tạo lại".
3. Redis started again: pages and sign-in work; "Tạo lại" on the refused document renders it.

Prints one line per check (OK/FAIL with status and time) and a summary; exit 1 if a check failed.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import time

import requests
import webclient

TIMEOUT = 20


class Drill:
    def __init__(self, base: str, fixture: dict) -> None:
        self.base = base
        self.fixture = fixture
        self.results: list[dict] = []
        self.phase = ""

    def check(self, what: str, ok: bool, status, seconds: float, detail: str = "") -> bool:
        self.results.append(
            {"phase": self.phase, "check": what, "ok": ok, "status": status, "seconds": round(seconds, 3)}
        )
        flag = "OK  " if ok else "FAIL"
        print(f"  {flag} {what:52} {status!s:>5} {seconds * 1000:8.0f} ms  {detail}", flush=True)
        return ok

    def session(self, username: str) -> tuple[requests.Session | None, str]:
        session = requests.Session()
        started = time.monotonic()
        try:
            ok = webclient.login(session, self.base, username, self.fixture["password"], timeout=TIMEOUT)
            status = "302" if ok else "?"
        except requests.RequestException as exc:
            ok, status = False, type(exc).__name__
        if not ok:  # find out what the login page answered
            try:
                page = session.get(self.base + webclient.LOGIN_PATH, timeout=TIMEOUT)
                token = webclient.csrf_token(page.text)
                response = session.post(
                    self.base + webclient.LOGIN_PATH,
                    data={"csrfmiddlewaretoken": token, "username": username, "password": self.fixture["password"]},
                    allow_redirects=False,
                    timeout=TIMEOUT,
                )
                status = f"{page.status_code}/{response.status_code}"
            except requests.RequestException as exc:
                status = type(exc).__name__
        self.check(f"sign in as {username}", ok, status, time.monotonic() - started)
        return (session if ok else None), status

    def get(self, session: requests.Session, path: str, what: str, marker: str = "") -> str:
        started = time.monotonic()
        try:
            response = session.get(self.base + path, timeout=TIMEOUT)
        except requests.RequestException as exc:
            self.check(what, False, type(exc).__name__, time.monotonic() - started)
            return ""
        ok = response.status_code == 200 and (not marker or marker in response.text)
        detail = "" if ok else _error_title(response.text)
        self.check(what, ok, response.status_code, time.monotonic() - started, detail)
        return response.text

    def edit(self, session: requests.Session, candidate_path: str, note: str) -> bool:
        started = time.monotonic()
        try:
            page = session.get(f"{self.base}{candidate_path}sua/", timeout=TIMEOUT)
            form = webclient.form_with(page.text, "version")
            if form is None:
                return self.check("edit a candidate (form)", False, page.status_code, time.monotonic() - started)
            response = session.post(
                f"{self.base}{candidate_path}sua/", data=form.data(notes=note), allow_redirects=False, timeout=TIMEOUT
            )
        except requests.RequestException as exc:
            return self.check("edit a candidate", False, type(exc).__name__, time.monotonic() - started)
        seconds = time.monotonic() - started
        return self.check("edit a candidate (saved)", response.status_code == 302, response.status_code, seconds)

    def ask_pdf(self, session: requests.Session, expect_busy: bool, period: str) -> str:
        """Press "In báo cáo (PDF)" on the district dashboard for `period` (a period not asked before, so that a new
        document is needed: an unchanged one is coalesced with the existing file); returns the document's path."""
        district, plan, year = self.fixture["district"], self.fixture["plan"], self.fixture["year"]
        dashboard = f"{self.base}/bao-cao/to-chuc/{district}/?nam={year}&ke_hoach={plan}&ky={period}"
        html = session.get(dashboard, timeout=TIMEOUT).text
        form = next((f for f in webclient.forms(html) if f.get("kind") == "progress_report"), None)
        if form is None:
            self.check("ask for a PDF (form on the dashboard)", False, "-", 0)
            return ""
        started = time.monotonic()
        try:
            response = session.post(self.base + form.action, data=form.fields, allow_redirects=False, timeout=TIMEOUT)
            location = response.headers.get("Location", "")
            page = session.get(self.base + location, timeout=TIMEOUT) if location else response
        except requests.RequestException as exc:
            self.check("ask for a PDF", False, type(exc).__name__, time.monotonic() - started)
            return ""
        seconds = time.monotonic() - started
        busy = webclient.BUSY_TEXT in page.text
        if expect_busy:
            retry = "Tạo lại" in page.text
            self.check(
                "ask for a PDF: told 'busy' within 5 s, retry offered",
                response.status_code == 302 and busy and retry and seconds < 5,
                response.status_code,
                seconds,
                _busy_line(page.text),
            )
        else:
            accepted = response.status_code == 302 and not busy
            self.check("ask for a PDF: accepted", accepted, response.status_code, seconds)
        return location

    def wait_ready(self, session: requests.Session, location: str, what: str, limit: float = 60) -> bool:
        started = time.monotonic()
        while time.monotonic() - started < limit:
            try:
                fragment = session.get(f"{self.base}{location}trang-thai/", timeout=TIMEOUT).text
            except requests.RequestException:
                fragment = ""
            if webclient.READY_TEXT in fragment:
                pages = re.search(r"sẵn sàng: (\d+) trang", fragment)
                detail = f"{pages.group(1) if pages else '?'} pages"
                return self.check(what, True, 200, time.monotonic() - started, detail)
            if webclient.BUSY_TEXT in fragment:
                break
            time.sleep(1)
        return self.check(what, False, "-", time.monotonic() - started, "not ready")

    def retry(self, session: requests.Session, location: str) -> None:
        page = session.get(self.base + location, timeout=TIMEOUT).text
        form = next((f for f in webclient.forms(page) if f.action.endswith("/tao-lai/")), None)
        if form is None:
            self.check("press 'Tạo lại' (form)", False, "-", 0)
            return
        started = time.monotonic()
        response = session.post(self.base + form.action, data=form.fields, allow_redirects=False, timeout=TIMEOUT)
        self.check("press 'Tạo lại'", response.status_code == 302, response.status_code, time.monotonic() - started)

    def pages(self, office: requests.Session, secretary: requests.Session, candidate: str, label: str) -> None:
        district, cell = self.fixture["district"], self.fixture["secretaries"][0]["cell"]
        query = f"?nam={self.fixture['year']}&ke_hoach={self.fixture['plan']}"
        self.get(office, "/", f"{label}home (office staff)")
        self.get(office, f"/bao-cao/to-chuc/{district}/{query}", f"{label}dashboard Huyện ủy Đơn Dương", "Chỉ tiêu")
        self.get(office, f"/ke-hoach/{self.fixture['plan']}/", f"{label}plan page")
        self.get(secretary, f"/quan-chung/to-chuc/{cell}/", f"{label}candidate list (secretary)")
        self.get(secretary, candidate, f"{label}candidate page")
        self.get(secretary, f"/quan-chung/to-chuc/{cell}/viec-can-lam/", f"{label}'what is due' list")


def _error_title(html: str) -> str:
    match = re.search(r"<h1>([^<]+)</h1>", html)
    return f"page: {match.group(1)}" if match else html[:80].replace("\n", " ")


def _busy_line(html: str) -> str:
    match = re.search(r'<p class="msg error">([^<]+)</p>', html)
    return match.group(1)[:70] if match else ""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--fixture", required=True)
    parser.add_argument("--stop", required=True, help="shell command that stops the drill's redis-server")
    parser.add_argument("--start", required=True, help="shell command that starts it again")
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    with open(args.fixture, encoding="utf-8") as handle:
        drill = Drill(args.base, json.load(handle))
    office_name, secretary_name = drill.fixture["offices"][0], drill.fixture["secretaries"][0]["username"]

    print("1. Redis up", flush=True)
    drill.phase = "redis up"
    office, _ = drill.session(office_name)
    secretary, _ = drill.session(secretary_name)
    if office is None or secretary is None:
        return 1
    cell = drill.fixture["secretaries"][0]["cell"]
    listing = secretary.get(f"{args.base}/quan-chung/to-chuc/{cell}/", timeout=TIMEOUT).text
    candidate = webclient.links(listing, r"/quan-chung/\d+/")[0]
    drill.pages(office, secretary, candidate, "")
    location = drill.ask_pdf(office, expect_busy=False, period="nam")
    if location:
        drill.wait_ready(office, location, "PDF rendered by the worker")

    print("2. Redis stopped", flush=True)
    drill.phase = "redis down"
    stopped = time.monotonic()
    subprocess.run(args.stop, shell=True, check=True)
    time.sleep(1)
    drill.pages(office, secretary, candidate, "")
    drill.edit(secretary, candidate, "Ghi trong lúc Redis dừng")
    drill.session(drill.fixture["offices"][1 % len(drill.fixture["offices"])])
    busy_location = drill.ask_pdf(office, expect_busy=True, period="quy-2")

    print("3. Redis started again", flush=True)
    drill.phase = "redis back"
    subprocess.run(args.start, shell=True, check=True)
    print(f"  (Redis was down {time.monotonic() - stopped:.1f} s)", flush=True)
    time.sleep(1)
    drill.pages(office, secretary, candidate, "")
    drill.session(drill.fixture["offices"][1 % len(drill.fixture["offices"])])
    if busy_location:
        drill.retry(office, busy_location)
        drill.wait_ready(office, busy_location, "retried PDF rendered after Redis is back")

    failed = [r for r in drill.results if not r["ok"]]
    print("\n== Redis drill summary ==")
    for phase in ("redis up", "redis down", "redis back"):
        rows = [r for r in drill.results if r["phase"] == phase]
        bad = [r["check"] for r in rows if not r["ok"]]
        failed_text = f"; failed: {', '.join(bad)}" if bad else ""
        print(f"{phase:11} {len(rows) - len(bad)}/{len(rows)} checks OK{failed_text}")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            json.dump(drill.results, handle, ensure_ascii=False, indent=1)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
