"""Load mix for issue 7 part 3: the three kinds of users of a district, against gunicorn on loopback.

Started by bench/load/run.sh (which prepares the database and writes the fixture this file reads):

    LOAD_FIXTURE=bench/out/load/fixture.json locust -f bench/load/locustfile.py --headless \
        --users 50 --spawn-rate 10 --run-time 2m --host http://127.0.0.1:8731

Users (weights 5 : 3 : 2, so 25 / 15 / 10 of 50):
- CellSecretary: signs in as one of the load_bithuNN accounts (its own cell), opens the cell's list, a candidate,
  the "what is due" list, searches by name, edits a candidate (the form's version is sent back), moves a source
  to "outstanding" (a stage step);
- ReviewBoard: the 2025 dashboard of Huyện ủy Đơn Dương, drills down into a base organization, the flow and the
  flags pages, exports the quota table to Excel;
- OfficeStaff: the plan list and the issued plan, asks for the plan's PDF (the official copy: coalesced to one
  document) and for progress reports of the district or a base organization, then polls the status fragment every
  2 s as the page does (htmx) until the PDF is ready, and downloads it.

Each user signs in once (GET the form for the CSRF token, POST), fetches the stylesheets once (a cold browser
cache), then runs journeys of 2-5 pages with a think time between pages (LOAD_THINK_MIN..LOAD_THINK_MAX seconds,
default 0.5..2) and between journeys (locust wait_time, same range). A page counts as failed when its status is not
the expected one or when it is our error page; a refused edit because another user saved first counts as
"conflict" (correct behaviour), not as a failure. Time from asking for a PDF to "ready" is recorded apart
(bench/out/load/custom-*.json), not in the request statistics.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import resource
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import webclient
from locust import FastHttpUser, between, events, task

FIXTURE = json.loads(Path(os.environ.get("LOAD_FIXTURE", "bench/out/load/fixture.json")).read_text("utf-8"))
THINK = (float(os.environ.get("LOAD_THINK_MIN", "0.5")), float(os.environ.get("LOAD_THINK_MAX", "2")))
PDF_WAIT_LIMIT = float(os.environ.get("LOAD_PDF_WAIT_LIMIT", "90"))
SEARCH_WORDS = ["lan", "hung", "nguyen", "tran thi", "mai", "binh", "le van", "huong", "son", "thao"]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
PERIODS = ["nam", "6-thang-dau", "quy-1", "quy-2", "quy-3", "quy-4"]

_counters = {"secretary": itertools.count(), "board": itertools.count(), "office": itertools.count()}
_lock = threading.Lock()
CUSTOM: dict = {"conflicts": 0, "edits": 0, "steps": 0, "pdf": [], "pdf_failed": [], "pdf_timeout": 0}
# Every request of the whole run, ramp-up and sign-ins included (locust's own figures start once every user has
# signed in: _signed_in).
ALL_REQUESTS: list[tuple[str, float, bool]] = []


def _next(kind: str) -> int:
    with _lock:
        return next(_counters[kind])


def _signed_in(environment) -> None:
    """Once every user has signed in, start the measured window: locust's statistics are reset then (the sign-in
    storm of the ramp-up is kept apart, in the custom figures)."""
    with _lock:
        CUSTOM["signed_in"] = CUSTOM.get("signed_in", 0) + 1
        target = getattr(environment.runner, "target_user_count", None) or 0
        if CUSTOM["signed_in"] == target and "steady_from" not in CUSTOM:
            CUSTOM["steady_from"] = time.time()
            environment.stats.reset_all()
            print(f"all {target} users signed in: statistics reset, measured window starts", flush=True)


def _think() -> None:
    time.sleep(random.uniform(*THINK))


class PartyUser(FastHttpUser):
    """geventhttpclient-based (locust's FastHttpUser): several times less CPU per request than requests, which
    matters when the load generator shares 2 cores with the server."""

    abstract = True
    wait_time = between(*THINK)
    default_headers = {"User-Agent": "ptdv-load/1 (bench/load)"}
    username = ""

    def on_start(self) -> None:
        form = self.page(webclient.LOGIN_PATH, "login form")
        data = {"csrfmiddlewaretoken": webclient.csrf_token(form), "username": self.username}
        response = self.post(webclient.LOGIN_PATH, {**data, "password": FIXTURE["password"]}, "login POST")
        if response.status_code != 302 or webclient.LOGIN_PATH in response.headers.get("Location", ""):
            raise RuntimeError(f"could not sign in as {self.username}")
        home = self.page("/", "/ (home)")
        for href in webclient.links(home, r"/static/.+\.css"):
            self.client.get(href, name="/static/[css]")
        _signed_in(self.environment)

    # -- helpers -------------------------------------------------------------------------------------------------

    def page(self, path: str, name: str, *, marker: str = "", headers: dict | None = None) -> str:
        """GET a page; it fails unless 200, not our error page, and (if given) containing `marker`."""
        with self.client.get(path, name=name, headers=headers, catch_response=True) as response:
            text = response.text or ""
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif webclient.LOGIN_FORM_MARK in text and webclient.LOGIN_PATH not in path:
                response.failure("signed out")
            elif marker and marker not in text:
                response.failure(f"missing {marker!r}")
            return text

    def post(self, path: str, data, name: str, *, allowed=(302,), stale_ok: bool = False):
        """POST a form (a dict or a list of pairs, as a browser encodes it); it fails unless the answer is a redirect
        (or, with `stale_ok`, the page saying someone else saved first)."""
        body = urlencode(list(data.items()) if isinstance(data, dict) else data)
        with self.client.post(
            path, data=body, name=name, headers=FORM, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code in allowed:
                pass
            elif stale_ok and response.status_code == 200 and webclient.STALE_TEXT in (response.text or ""):
                CUSTOM["conflicts"] += 1  # told, nothing overwritten: the expected answer
            else:
                response.failure(f"HTTP {response.status_code}")
            return response

    def download(self, path: str, name: str, content_type: str) -> None:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200 or content_type not in response.headers.get("Content-Type", ""):
                response.failure(f"HTTP {response.status_code} {response.headers.get('Content-Type')}")


class CellSecretary(PartyUser):
    weight = 5

    def on_start(self) -> None:
        account = FIXTURE["secretaries"][_next("secretary") % len(FIXTURE["secretaries"])]
        self.username, self.cell = account["username"], account["cell"]
        self.list_url = f"/quan-chung/to-chuc/{self.cell}/"
        super().on_start()
        self.candidates = self._candidates(self.page(self.list_url, "/quan-chung/to-chuc/[cell]/"))

    @staticmethod
    def _candidates(html: str) -> list[str]:
        return webclient.links(html, r"/quan-chung/\d+/")

    @task(4)
    def review(self) -> None:
        html = self.page(self.list_url, "/quan-chung/to-chuc/[cell]/")
        self.candidates = self._candidates(html) or self.candidates
        _think()
        self.page(random.choice(self.candidates), "/quan-chung/[id]/")

    @task(2)
    def due(self) -> None:
        html = self.page(f"{self.list_url}viec-can-lam/", "/quan-chung/to-chuc/[cell]/viec-can-lam/")
        due = webclient.links(html, r"/quan-chung/\d+/")
        if due:
            _think()
            self.page(random.choice(due), "/quan-chung/[id]/")

    @task(1)
    def search(self) -> None:
        word = random.choice(SEARCH_WORDS)
        self.page(f"{self.list_url}?q={word}", "/quan-chung/to-chuc/[cell]/?q=")

    @task(1)
    def edit(self) -> None:
        detail = random.choice(self.candidates)
        self.page(detail, "/quan-chung/[id]/")
        _think()
        html = self.page(f"{detail}sua/", "/quan-chung/[id]/sua/ GET")
        form = webclient.form_with(html, "version")
        if form is None:
            return
        _think()
        note = f"Đã gặp trao đổi ngày {dt.date.today():%d/%m/%Y} ({random.randint(1, 99999)})"
        response = self.post(f"{detail}sua/", form.data(notes=note), "/quan-chung/[id]/sua/ POST", stale_ok=True)
        if response.status_code == 302:
            CUSTOM["edits"] += 1
            self.page(detail, "/quan-chung/[id]/")

    @task(1)
    def step(self) -> None:
        html = self.page(f"{self.list_url}?stage=source", "/quan-chung/to-chuc/[cell]/?stage=")
        sources = self._candidates(html)
        if not sources:
            return
        detail = random.choice(sources)
        _think()
        self.page(detail, "/quan-chung/[id]/")
        _think()
        step_url = f"{detail}buoc/outstanding/"
        form = webclient.form_with(self.page(step_url, "/quan-chung/[id]/buoc/[code]/ GET"), "version")
        if form is None:
            return
        _think()
        data = form.data(
            outstanding_on=f"{dt.date.today():%d/%m/%Y}", helper_name="Nguyễn Văn Hòa", helper_cell="Chi bộ thôn"
        )
        response = self.post(step_url, data, "/quan-chung/[id]/buoc/[code]/ POST", stale_ok=True)
        if response.status_code == 302:
            CUSTOM["steps"] += 1
            self.page(detail, "/quan-chung/[id]/")


class ReviewBoard(PartyUser):
    weight = 3

    def on_start(self) -> None:
        self.username = FIXTURE["boards"][_next("board") % len(FIXTURE["boards"])]
        super().on_start()
        self.query = f"?nam={FIXTURE['year']}&ke_hoach={FIXTURE['plan']}"
        self.dashboard_url = f"/bao-cao/to-chuc/{FIXTURE['district']}/"

    @task(3)
    def dashboard(self) -> None:
        html = self.page(self.dashboard_url + self.query, "/bao-cao/to-chuc/[district]/", marker="Chỉ tiêu")
        children = [
            href
            for href in webclient.links(html, r"/bao-cao/to-chuc/\d+/\?nam=\d+")
            if not href.startswith(self.dashboard_url)
        ]
        if children:
            _think()
            self.page(random.choice(children), "/bao-cao/to-chuc/[base]/")

    @task(1)
    def flow(self) -> None:
        self.page(f"{self.dashboard_url}dien-bien/{self.query}", "/bao-cao/to-chuc/[district]/dien-bien/")

    @task(1)
    def flags(self) -> None:
        self.page(f"{self.dashboard_url}canh-bao/{self.query}", "/bao-cao/to-chuc/[district]/canh-bao/")

    @task(1)
    def export(self) -> None:
        self.download(
            f"{self.dashboard_url}xuat/chi-tieu/{self.query}&ky=nam",
            "/bao-cao/to-chuc/[district]/xuat/chi-tieu/",
            "spreadsheetml",
        )


class OfficeStaff(PartyUser):
    weight = 2

    def on_start(self) -> None:
        self.username = FIXTURE["offices"][_next("office") % len(FIXTURE["offices"])]
        super().on_start()

    def _pdf(self, html: str, kind: str) -> None:
        """Press the PDF button of the page, then follow the document page as the browser does."""
        form = next((f for f in webclient.forms(html) if f.get("kind") == kind), None)
        if form is None:
            return
        asked = time.monotonic()
        response = self.post(form.action, form.fields, "/bao-cao/van-ban/yeu-cau/ POST")
        location = response.headers.get("Location", "")
        if response.status_code != 302 or "/van-ban/" not in location:
            return
        self.page(location, "/bao-cao/van-ban/[id]/")
        status_url = f"{location}trang-thai/"
        while True:
            fragment = self.page(status_url, "/bao-cao/van-ban/[id]/trang-thai/", headers={"HX-Request": "true"})
            if webclient.READY_TEXT in fragment:
                CUSTOM["pdf"].append({"kind": kind, "seconds": round(time.monotonic() - asked, 3)})
                self.download(f"{location}tai-ve/", "/bao-cao/van-ban/[id]/tai-ve/", "application/pdf")
                return
            if webclient.BUSY_TEXT in fragment or "Tạo lại" in fragment:
                CUSTOM["pdf_failed"].append(kind)
                return
            if time.monotonic() - asked > PDF_WAIT_LIMIT:
                CUSTOM["pdf_timeout"] += 1
                return
            time.sleep(2)  # hx-trigger="every 2s"

    @task(3)
    def plans(self) -> None:
        html = self.page(f"/ke-hoach/to-chuc/{FIXTURE['district']}/", "/ke-hoach/to-chuc/[org]/")
        _think()
        plan = webclient.links(html, r"/ke-hoach/\d+/") or [f"/ke-hoach/{FIXTURE['plan']}/"]
        self.page(plan[0], "/ke-hoach/[id]/")

    @task(1)
    def plan_pdf(self) -> None:
        html = self.page(f"/bao-cao/ke-hoach/{FIXTURE['plan']}/van-ban/", "/bao-cao/ke-hoach/[id]/van-ban/")
        _think()
        self._pdf(html, "plan")

    @task(1)
    def progress_report(self) -> None:
        org = random.choice([FIXTURE["district"], *FIXTURE["bases"]])
        query = f"?nam={FIXTURE['year']}&ky={random.choice(PERIODS)}"
        if org == FIXTURE["district"]:
            query += f"&ke_hoach={FIXTURE['plan']}"
        html = self.page(f"/bao-cao/to-chuc/{org}/{query}", "/bao-cao/to-chuc/[org]/ (office)")
        _think()
        self._pdf(html, "progress_report")


@events.request.add_listener
def _record(request_type, name, response_time, exception=None, **_kwargs) -> None:
    ALL_REQUESTS.append((f"{request_type} {name}", response_time, exception is not None))


def _percentiles(times: list[float]) -> dict:
    times = sorted(times)
    if not times:
        return {"count": 0}

    def at(q: float) -> float:
        return round(times[min(len(times) - 1, int(len(times) * q))], 1)

    return {"count": len(times), "p50": at(0.5), "p95": at(0.95), "p99": at(0.99), "max": round(times[-1], 1)}


@events.test_stop.add_listener
def _write_custom(environment, **_kwargs) -> None:
    out = os.environ.get("LOAD_CUSTOM_OUT")
    waits = sorted(item["seconds"] for item in CUSTOM["pdf"])
    whole = _percentiles([t for _, t, _ in ALL_REQUESTS])
    whole["failures"] = sum(1 for *_, failed in ALL_REQUESTS if failed)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    CUSTOM["locust_cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 1)
    if "steady_from" in CUSTOM:
        CUSTOM["steady_seconds"] = round(time.time() - CUSTOM.pop("steady_from"), 1)
    summary = {
        **{k: v for k, v in CUSTOM.items() if k != "pdf"},
        "pdf_ready": len(waits),
        "pdf_ready_by_kind": {k: sum(1 for i in CUSTOM["pdf"] if i["kind"] == k) for k in ("plan", "progress_report")},
        "pdf_wait_p50": waits[len(waits) // 2] if waits else None,
        "pdf_wait_p95": waits[min(len(waits) - 1, int(len(waits) * 0.95))] if waits else None,
        "pdf_wait_max": waits[-1] if waits else None,
        "whole_run_ms": whole,
        "login_post_ms": _percentiles([t for name, t, _ in ALL_REQUESTS if name == "POST login POST"]),
    }
    print("custom:", json.dumps(summary, ensure_ascii=False))
    if out:
        Path(out).write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
