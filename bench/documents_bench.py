"""The document pipeline (issue 6): render time of the seed-002 plan, WeasyPrint alone, and throughput.

Builds seed 002 (Huyện ủy Đơn Dương, annual plan 2025 with its annex of 15 organizations, issued as 12-KH/HU)
through planning.services, in a PostgreSQL database of its own (`ptdv_docbench`, created at the start and dropped
at the end; DATABASE_URL only names the server), then measures:

1. `reports.services.document_render` end to end (load the data, template, WeasyPrint, file and row saved):
   median of RENDERS renders after one warm-up, each on a fresh Document row;
2. WeasyPrint alone on the same HTML (render_html output written to a file, then
   `weasyprint.HTML(filename=...).write_pdf()` in this process): median of RENDERS after one warm-up; the ratio
   of the two is the overhead of the pipeline. Without a FontConfiguration WeasyPrint skips the @font-face rules
   (fontconfig picks the fonts), so it is also timed with `write_pdf(font_config=FontConfiguration())`, which
   embeds the same fonts as the pipeline (the fonts of each PDF are listed);
3. throughput: two real Celery workers (`celery -A config worker --pool=solo`, each in its own process group,
   always stopped at the end) on Redis database 13; DOCUMENTS distinct draft copies of the plan are asked for
   through `document_request` (the path the page takes) and the wall time until all are ready gives documents
   per second (after two warm-up documents, so that the workers have loaded their fonts).

    .venv/bin/python bench/documents_bench.py
    .venv/bin/python bench/documents_bench.py --renders 3 --documents 10      # quick
    REDIS_URL=redis://127.0.0.1:6379/13 DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/documents_bench.py --keep

Writes bench/out/documents_bench-<time>.json.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
BENCH_DB = "ptdv_docbench"
WORKER_START_TIMEOUT = 60.0
READY_TIMEOUT = 900.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--renders", type=int, default=10, help="timed renders of each kind (10)")
    parser.add_argument("--documents", type=int, default=100, help="documents for the throughput (100)")
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes (2)")
    parser.add_argument("--keep", action="store_true", help=f"keep the {BENCH_DB} database afterwards")
    return parser.parse_args()


# --- database, settings ------------------------------------------------------------------------------------


def _admin(server: str):
    import psycopg

    parts = urlsplit(server)
    return psycopg.connect(urlunsplit(parts._replace(scheme="postgresql", path="/postgres")), autocommit=True)


def create_database(server: str) -> str:
    if not server.startswith("postgres"):
        raise SystemExit("The document benchmark runs on PostgreSQL: DATABASE_URL must name a PostgreSQL server.")
    if urlsplit(server).path.strip("/") == BENCH_DB:
        raise SystemExit(f"DATABASE_URL must name the server, not {BENCH_DB} itself.")
    with _admin(server) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DB}")
    return urlunsplit(urlsplit(server)._replace(path="/" + BENCH_DB))


def drop_database(server: str) -> None:
    with _admin(server) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def bench_env(bench_url: str, redis_url: str, media_root: Path) -> dict:
    """The environment of this process and of the workers: same database, broker and media directory."""
    return {
        "DATABASE_URL": bench_url,
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(media_root),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "TESTING": "1",
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "DOCUMENT_RENDER_DELAY_SECONDS": "0",
    }


def configure_django(env: dict) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- seed 002 ----------------------------------------------------------------------------------------------


def build_seed_002():
    """The district of tests/planning/conftest.py and its plan, built by tests/planning/seeds.py."""
    from organizations.models import Organization, Role
    from tests.factories import grant, kind, make_org, make_tenant, make_user
    from tests.planning.conftest import SEED_002_ANNEX, District
    from tests.planning.seeds import build_seed_002 as build_plan

    province = make_tenant("Đảng bộ tỉnh Lâm Đồng", "LDONG")
    district = Organization.objects.add_child(
        province,
        instance=Organization(
            tenant_id=province.tenant_id,
            name="Huyện ủy Đơn Dương",
            code="DONDUONG",
            kind=kind("huyen-uy"),
            issuer_code="HU",
            place_name="Đơn Dương",
        ),
    )
    units = [
        make_org(district, name, kind_code, f"DD{i:02d}") for i, (name, kind_code, _, _) in enumerate(SEED_002_ANNEX, 1)
    ]
    district.refresh_from_db()
    staff = make_user("vp_dondoung", full_name="Nguyễn Thị Hoa")
    grant(staff, district, Role.OFFICE_STAFF)
    board = make_user("btc_dondoung", full_name="Lê Văn Bình")
    grant(board, district, Role.REVIEW_BOARD)
    seed = District(province, district, units, staff, staff, board)
    return build_plan(seed), staff


# --- 1 and 2: one render -----------------------------------------------------------------------------------


def _summary(timings: list[float]) -> dict:
    timings = sorted(timings)
    return {
        "median_ms": round(statistics.median(timings), 1),
        "min_ms": round(timings[0], 1),
        "max_ms": round(timings[-1], 1),
        "runs": len(timings),
    }


def time_pipeline(plan, staff, renders: int) -> dict:
    from reports.models import Document
    from reports.services import document_render

    def one(i: int) -> tuple[float, Document]:
        document = Document.objects.create(
            organization=plan.issuer,
            kind=Document.Kind.PLAN,
            subject_id=plan.pk,
            title=f"Kế hoạch số 12-KH/HU (đo {i})",
            fingerprint=f"bench-render-{i}",
            requested_by=staff,
        )
        started = time.perf_counter()
        done = document_render(document_id=document.pk)
        elapsed = (time.perf_counter() - started) * 1000
        if done.status != Document.Status.READY:
            raise SystemExit(f"render failed: {done.status} {done.error_text}")
        return elapsed, done

    cold, first = one(0)
    timings = [one(i)[0] for i in range(1, renders + 1)]
    with first.file.open("rb") as f:
        fonts = pdf_fonts(f.read())
    return {
        "cold_ms": round(cold, 1),
        **_summary(timings),
        "pages": first.page_count,
        "kb": first.file.size // 1024,
        "fonts": fonts,
    }


def time_parts(plan, renders: int) -> dict:
    """Where the pipeline's time goes: data (SQL), template, and WeasyPrint as the pipeline calls it."""
    from reports.documents import KINDS
    from reports.pdf import html_to_pdf, render_html

    kind = KINDS["plan"]
    build, template, pdf = [], [], []
    for _ in range(renders):
        t0 = time.perf_counter()
        _org, data = kind.build(plan.pk, {})
        t1 = time.perf_counter()
        html = render_html(kind.template, data)
        t2 = time.perf_counter()
        html_to_pdf(html)
        t3 = time.perf_counter()
        build.append((t1 - t0) * 1000)
        template.append((t2 - t1) * 1000)
        pdf.append((t3 - t2) * 1000)
    return {
        "build_data_ms": _summary(build)["median_ms"],
        "template_ms": _summary(template)["median_ms"],
        "html_to_pdf_ms": _summary(pdf)["median_ms"],
    }


def pdf_fonts(pdf: bytes) -> list[str]:
    """The fonts a PDF uses (subset prefixes removed), to check that two renders are the same document."""
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object().get("/BaseFont", "")).lstrip("/").split("+")[-1])
    return sorted(names)


def time_weasyprint_alone(plan, renders: int, workdir: Path, *, font_config: bool) -> dict:
    """WeasyPrint on the HTML file. Without a FontConfiguration WeasyPrint ignores @font-face (the fonts then come
    from fontconfig), so it is measured both ways: as the issue words it, and with the fonts the pipeline embeds."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from reports.documents import KINDS
    from reports.pdf import render_html

    kind = KINDS["plan"]
    _org, data = kind.build(plan.pk, {})
    html_file = workdir / "seed-002.html"
    html_file.write_text(render_html(kind.template, data), encoding="utf-8")

    def one() -> tuple[float, bytes]:
        started = time.perf_counter()
        options = {"font_config": FontConfiguration()} if font_config else {}
        pdf = weasyprint.HTML(filename=str(html_file)).write_pdf(**options)
        return (time.perf_counter() - started) * 1000, pdf

    cold, pdf = one()
    timings = [one()[0] for _ in range(renders)]
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    return {
        "cold_ms": round(cold, 1),
        **_summary(timings),
        "pages": pages,
        "kb": len(pdf) // 1024,
        "fonts": pdf_fonts(pdf),
    }


# --- 3: throughput with real workers -----------------------------------------------------------------------


def worker_queues() -> list[str]:
    """The default queue and the one the document tasks are routed to (as docker-compose.yml runs them)."""
    from django.conf import settings

    return ["celery", getattr(settings, "DOCUMENT_QUEUE", "celery")]


def purge(queues: list[str]) -> None:
    """Nothing left over in these queues of this Redis database from an interrupted run."""
    from config.celery import app

    with app.connection_for_write() as connection:
        for queue in dict.fromkeys(queues):
            connection.default_channel.queue_purge(queue)


def start_workers(count: int, env: dict, log_dir: Path) -> list[tuple[subprocess.Popen, str, Path]]:
    from config.celery import app

    workers = []
    for i in range(count):
        nodename = f"ptdv-docbench-{i}-{uuid.uuid4().hex[:6]}@{socket.gethostname()}"
        log_path = log_dir / f"worker-{i}.log"
        command = [
            str(ROOT / ".venv" / "bin" / "celery"),
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-Q",
            ",".join(dict.fromkeys(worker_queues())),
            "--without-mingle",
            "--without-gossip",
            "--loglevel=WARNING",
            "-n",
            nodename,
        ]
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**os.environ, **env, "PYTHONUNBUFFERED": "1"},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: the teardown reaches every child
            )
        workers.append((process, nodename, log_path))
    deadline = time.monotonic() + WORKER_START_TIMEOUT
    waiting = {nodename for _p, nodename, _l in workers}
    while waiting:
        for process, nodename, log_path in workers:
            if process.poll() is not None:
                raise RuntimeError(f"worker {nodename} exited ({process.returncode}):\n{log_path.read_text()[-2000:]}")
        answered = app.control.ping(destination=sorted(waiting), timeout=0.5)
        for reply in answered:
            waiting -= set(reply)
        if waiting and time.monotonic() > deadline:
            raise RuntimeError(f"workers not ready after {WORKER_START_TIMEOUT:.0f} s: {sorted(waiting)}")
    return workers


def stop_workers(workers) -> None:
    """Warm shutdown of each worker's process group, then SIGKILL for any that does not exit."""
    for process, _nodename, _log in workers:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    for process, _nodename, _log in workers:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def draft_copies(plan, staff, count: int) -> list:
    """`count` draft copies of the plan, each with its own title, so that their documents do not coalesce."""
    from planning import services

    copies = []
    for i in range(count):
        draft = services.plan_create(
            actor=staff, issuer=plan.issuer, kind=plan.kind, start_year=plan.start_year, title="x", copy_from=plan
        )
        services.plan_update(actor=staff, plan=draft, title=f"Phát triển đảng viên năm 2025 (dự thảo {i + 1:03d})")
        copies.append(draft)
    return copies


def wait_ready(ids: list[int]) -> float:
    from django.db.models import Count

    from reports.models import Document

    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        statuses = dict(Document.objects.filter(pk__in=ids).values_list("status").annotate(n=Count("id")).order_by())
        if statuses.get(Document.Status.FAILED):
            raise RuntimeError(f"{statuses[Document.Status.FAILED]} documents failed")
        if statuses.get(Document.Status.READY, 0) == len(ids):
            return time.perf_counter()
        if time.monotonic() > deadline:
            raise RuntimeError(f"documents not ready after {READY_TIMEOUT:.0f} s: {statuses}")
        time.sleep(0.05)


def throughput(plan, staff, *, documents: int, workers_count: int, env: dict, log_dir: Path) -> dict:
    from reports.models import Document
    from reports.services import document_request

    copies = draft_copies(plan, staff, documents + workers_count)
    purge(worker_queues())
    workers = start_workers(workers_count, env, log_dir)
    try:
        warmup = [document_request(actor=staff, kind="plan", subject_id=p.pk) for p in copies[:workers_count]]
        wait_ready([d.pk for d in warmup])
        started = time.perf_counter()
        requested = [document_request(actor=staff, kind="plan", subject_id=p.pk) for p in copies[workers_count:]]
        enqueued = time.perf_counter()
        ids = [d.pk for d in requested]
        if len(set(ids)) != documents:
            raise RuntimeError("documents coalesced: the copies are not distinct")
        finished = wait_ready(ids)
    finally:
        stop_workers(workers)
    rows = Document.objects.filter(pk__in=ids)
    worker_ms = sorted((d.finished_at - d.started_at).total_seconds() * 1000 for d in rows)
    wall = finished - started
    return {
        "documents": documents,
        "workers": workers_count,
        "wall_s": round(wall, 2),
        "enqueue_s": round(enqueued - started, 2),
        "documents_per_s": round(documents / wall, 2),
        "worker_render_median_ms": round(statistics.median(worker_ms), 1),
        "pages_each": rows.first().page_count,
    }


# --- main --------------------------------------------------------------------------------------------------


def main() -> int:
    args = parse_args()
    server = os.environ.get("DATABASE_URL") or DEFAULT_SERVER_URL
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    workdir = Path(tempfile.mkdtemp(prefix="ptdv-docbench-"))
    bench_url = create_database(server)
    try:
        configure_django(bench_env(bench_url, redis_url, workdir / "media"))
        import django
        import weasyprint
        from django.core.management import call_command
        from django.db import connection, connections

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        plan, staff = build_seed_002()
        print(f"Seed 002 built in {BENCH_DB} in {time.perf_counter() - started:.1f} s: {plan}")
        pipeline = time_pipeline(plan, staff, args.renders)
        parts = time_parts(plan, args.renders)
        alone = time_weasyprint_alone(plan, args.renders, workdir, font_config=False)
        alone_fonts = time_weasyprint_alone(plan, args.renders, workdir, font_config=True)
        ratio = round(pipeline["median_ms"] / alone["median_ms"], 2)
        ratio_fonts = round(pipeline["median_ms"] / alone_fonts["median_ms"], 2)
        print(f"\nRender of the seed-002 plan ({pipeline['pages']} pages), median of {args.renders} after 1 warm-up:")
        header = f"{'measure':<44} {'median ms':>10} {'min':>8} {'max':>8} {'cold':>8}"
        print(header)
        print("-" * len(header))
        rows = (
            ("document_render (pipeline, end to end)", pipeline),
            ("WeasyPrint alone (HTML file)", alone),
            ("WeasyPrint alone + FontConfiguration", alone_fonts),
        )
        for label, r in rows:
            print(f"{label:<44} {r['median_ms']:>10} {r['min_ms']:>8} {r['max_ms']:>8} {r['cold_ms']:>8}  {r['fonts']}")
        print(
            f"pipeline / WeasyPrint alone: {ratio}x; with the same fonts: {ratio_fonts}x"
            f"   (pipeline parts: data {parts['build_data_ms']} ms, template {parts['template_ms']} ms,"
            f" html_to_pdf {parts['html_to_pdf_ms']} ms)"
        )
        print(f"\nThroughput: {args.documents} distinct plan documents, {args.workers} Celery workers (solo pool) ...")
        result = throughput(
            plan,
            staff,
            documents=args.documents,
            workers_count=args.workers,
            env=bench_env(bench_url, redis_url, workdir / "media"),
            log_dir=workdir,
        )
        print(
            f"{result['documents']} documents ready in {result['wall_s']} s (enqueued in {result['enqueue_s']} s):"
            f" {result['documents_per_s']} documents/s;"
            f" median render in a worker {result['worker_render_median_ms']} ms"
        )
        report = {
            "benchmark": "documents_bench",
            "at": dt.datetime.now().isoformat(timespec="seconds"),
            "database": {"vendor": connection.vendor, "version": ".".join(map(str, connection.get_database_version()))},
            "python": platform.python_version(),
            "django": django.get_version(),
            "weasyprint": weasyprint.__version__,
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
            "renders": args.renders,
            "pipeline": pipeline,
            "pipeline_parts": parts,
            "weasyprint_alone": alone,
            "weasyprint_alone_with_font_config": alone_fonts,
            "ratio_pipeline_to_weasyprint_with_font_config": ratio_fonts,
            "ratio_pipeline_to_weasyprint": ratio,
            "throughput": result,
        }
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        out = OUT_DIR / f"documents_bench-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
        out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"\nJSON: {out.relative_to(ROOT)}")
        connections.close_all()
    finally:
        if args.keep:
            print(f"Kept {bench_url}")
        else:
            drop_database(server)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
