"""A national-scale database for the dashboard benchmark (issue 5), built once and reused.

Builds, in a PostgreSQL database of its own (`ptdv_national`, never the one DATABASE_URL names), ONE tenant:

    Trung ương (dữ liệu đo)                                  root
      34 provinces (tinh-uy)                                 ~97 commune committees each
        ~3,300 commune committees (dang-uy-xa)               ~15 base organizations each
          ~50,000 base organizations                         ~77% dang-bo-co-so (~6.6 cells), ~23% chi-bo-co-so
            ~250,000 cells (chi-bo)

with a member-count snapshot of every node at 31/12/2024, ~500,000 candidates spread over the cells (weighted by
members) at realistic stages, their event log (~3.2 events per candidate, 2023-2025, complete histories, some
corrections and cancelled admissions whose events are void), the annual 2025 plans (the root allocates admission
quotas to the provinces, each province to its communes, all issued) and office-staff / review-board users on the
root and on one province (P25, Lâm Đồng).

The tree, snapshots, candidates and events are written with PostgreSQL COPY (psycopg 3) with the tables' secondary
indexes and constraints set aside and rebuilt afterwards (re-adding the foreign keys checks every row); the plans go
through planning.services like office staff would. VACUUM (ANALYZE) at the end.

Scale of admissions: the real national figure is ~180,000-220,000 a year. With 500,000 candidates of whom most are
still at the first stages (and ~3.2 events each), the data holds ~46,000 counted admissions dated 2025 (and ~42,000
in 2023-2024). The quotas are set from the data (2025 admissions are 75-100% of each commune's quota), so that quota
and actual keep a plausible ratio; a real national tenant has ~4x more 2025 admission rows for the root's aggregate to
read (a province's aggregate reads a few thousand rows either way).

    .venv/bin/python bench/national_build.py             # build if missing (or unfinished), else reuse
    .venv/bin/python bench/national_build.py --rebuild   # drop and build again
    .venv/bin/python bench/national_build.py --candidates 50000 --provinces 4   # small, to try

DATABASE_URL only names the server (default postgres://postgres@127.0.0.1:5432/postgres).
Writes bench/out/national_build-<time>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import sys
import time
from collections import Counter
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres"
NATIONAL_DB = "ptdv_national"
ROOT_NAME = "Trung ương (dữ liệu đo)"
ROOT_CODE = "TW-DO"
BENCH_PROVINCE_CODE = "P25"  # Lâm Đồng, the province whose dashboard the benchmark opens
META_TABLE = "bench_national_meta"  # one row, written last: its presence means the build finished

AS_OF = dt.date(2025, 12, 31)  # the data stands as at the end of 2025
DATA_START = dt.date(2023, 1, 1)
SNAPSHOT_ON = dt.date(2024, 12, 31)
PLAN_YEAR = 2025
TZ = dt.timezone(dt.timedelta(hours=7))

# The 34 provincial-level units after the 2025 reorganisation: (committee name, place name).
PROVINCES = [
    ("Thành ủy Hà Nội", "Hà Nội"),
    ("Thành ủy Huế", "Huế"),
    ("Tỉnh ủy Lai Châu", "Lai Châu"),
    ("Tỉnh ủy Điện Biên", "Điện Biên"),
    ("Tỉnh ủy Sơn La", "Sơn La"),
    ("Tỉnh ủy Lạng Sơn", "Lạng Sơn"),
    ("Tỉnh ủy Quảng Ninh", "Quảng Ninh"),
    ("Tỉnh ủy Thanh Hóa", "Thanh Hóa"),
    ("Tỉnh ủy Nghệ An", "Nghệ An"),
    ("Tỉnh ủy Hà Tĩnh", "Hà Tĩnh"),
    ("Tỉnh ủy Cao Bằng", "Cao Bằng"),
    ("Tỉnh ủy Tuyên Quang", "Tuyên Quang"),
    ("Tỉnh ủy Lào Cai", "Lào Cai"),
    ("Tỉnh ủy Thái Nguyên", "Thái Nguyên"),
    ("Tỉnh ủy Phú Thọ", "Phú Thọ"),
    ("Tỉnh ủy Bắc Ninh", "Bắc Ninh"),
    ("Tỉnh ủy Hưng Yên", "Hưng Yên"),
    ("Thành ủy Hải Phòng", "Hải Phòng"),
    ("Tỉnh ủy Ninh Bình", "Ninh Bình"),
    ("Tỉnh ủy Quảng Trị", "Quảng Trị"),
    ("Thành ủy Đà Nẵng", "Đà Nẵng"),
    ("Tỉnh ủy Quảng Ngãi", "Quảng Ngãi"),
    ("Tỉnh ủy Gia Lai", "Gia Lai"),
    ("Tỉnh ủy Khánh Hòa", "Khánh Hòa"),
    ("Tỉnh ủy Lâm Đồng", "Lâm Đồng"),
    ("Tỉnh ủy Đắk Lắk", "Đắk Lắk"),
    ("Thành ủy Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
    ("Tỉnh ủy Đồng Nai", "Đồng Nai"),
    ("Tỉnh ủy Tây Ninh", "Tây Ninh"),
    ("Thành ủy Cần Thơ", "Cần Thơ"),
    ("Tỉnh ủy Vĩnh Long", "Vĩnh Long"),
    ("Tỉnh ủy Đồng Tháp", "Đồng Tháp"),
    ("Tỉnh ủy Cà Mau", "Cà Mau"),
    ("Tỉnh ủy An Giang", "An Giang"),
]
BASE_NAMES = [
    ("dang-bo-co-so", "Đảng bộ Trường Trung học cơ sở", "truong-hoc"),
    ("dang-bo-co-so", "Đảng bộ Công an xã", "luc-luong-vu-trang"),
    ("dang-bo-co-so", "Đảng bộ Trạm Y tế", "hanh-chinh"),
    ("dang-bo-co-so", "Đảng bộ Công ty", "kinh-te-tu-nhan"),
    ("dang-bo-co-so", "Đảng bộ thôn", "thon-to-dan-pho"),
    ("dang-bo-co-so", "Đảng bộ khu dân cư", "thon-to-dan-pho"),
    ("chi-bo-co-so", "Chi bộ Trường Tiểu học", "truong-hoc"),
    ("chi-bo-co-so", "Chi bộ Quân sự xã", "luc-luong-vu-trang"),
]
ETHNIC_GROUPS = ["Tày", "Thái", "Mường", "Khmer", "H'Mông", "Nùng", "Dao", "Gia Rai", "Ê Đê", "Ba Na", "K'Ho"]
FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MALE_MIDDLE = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Xuân", "Bảo"]
FEMALE_MIDDLE = ["Thị", "Ngọc", "Thu", "Thanh", "Hoài", "Minh", "Bảo"]
MALE_GIVEN = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phúc", "Quân", "Sơn"]
MALE_GIVEN += ["Trung", "Tuấn", "Hiếu", "Thắng", "Vinh"]
FEMALE_GIVEN = ["Anh", "Ánh", "Châu", "Giang", "Hà", "Hạnh", "Hương", "Lan", "Linh", "Mai", "Ngân", "Thảo"]
FEMALE_GIVEN += ["Trang", "Uyên", "Vy", "Yến", "Nhung", "Phương"]

# The path to membership: (event kind, stage reached, (min, max) days after the previous step).
CHAIN = [
    ("created", "source", (0, 0)),
    ("outstanding", "outstanding", (20, 180)),
    ("trained", "trained", (15, 120)),
    ("dossier", "dossier", (10, 90)),
    ("cell_resolution", "cell_proposed", (20, 90)),
    ("base_resolution", "base_proposed", (5, 30)),
    ("admission", "admitted", (5, 45)),
    ("ceremony", "probation", (3, 30)),
    ("recognition", "full_member", (365, 395)),
]
ADMISSION, CEREMONY, RECOGNITION = 6, 7, 8
# Where the candidates stand: (share, last step reached before admission or "admitted", dropped?).
# "admitted" means an admission decision; whether ceremony and recognition followed depends on the dates.
CLASSES = [
    (0.350, 0, False),
    (0.190, 1, False),
    (0.140, 2, False),
    (0.070, 3, False),
    (0.015, 4, False),
    (0.012, 5, False),
    (0.045, None, True),  # dropped after one of the first steps
    (0.178, ADMISSION, False),
]
ADMISSION_YEARS = ((2025, 0.52), (2024, 0.34), (2023, 0.14))
EVENT_SUMMARY = {
    "created": "Đưa vào danh sách nguồn",
    "outstanding": "Chi bộ đưa vào danh sách quần chúng ưu tú",
    "trained": "Hoàn thành lớp bồi dưỡng nhận thức về Đảng",
    "dossier": "Lập hồ sơ xin vào Đảng",
    "cell_resolution": "Chi bộ ra nghị quyết đề nghị kết nạp",
    "base_resolution": "Đảng ủy cơ sở ra nghị quyết đề nghị kết nạp",
    "admission": "Quyết định kết nạp đảng viên",
    "ceremony": "Lễ kết nạp đảng viên",
    "recognition": "Công nhận đảng viên chính thức",
    "dropped": "Dừng xem xét kết nạp: Tự nguyện rút, không tiếp tục",
    "removed": "Xóa tên đảng viên dự bị",
    "cancelled": "Hủy quyết định kết nạp",
    "correction": "Đính chính, hủy bước “Quyết định kết nạp (9-KNĐ)”: ghi nhầm số quyết định",
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rebuild", action="store_true", help=f"drop {NATIONAL_DB} and build it again")
    parser.add_argument("--provinces", type=int, default=34, help="provinces under the root (34)")
    parser.add_argument("--communes", type=int, default=97, help="average commune committees per province (97)")
    parser.add_argument("--bases", type=int, default=15, help="average base organizations per commune (15)")
    parser.add_argument("--candidates", type=int, default=500_000, help="candidates (500,000)")
    parser.add_argument("--seed", type=int, default=2025)
    return parser.parse_args()


# --- the dedicated database (shared with dashboard_bench.py) -----------------------------------------------


def server_url() -> str:
    url = os.environ.get("DATABASE_URL") or DEFAULT_SERVER_URL
    if not url.startswith("postgres"):
        raise SystemExit("The national benchmark needs PostgreSQL: DATABASE_URL must name a PostgreSQL server.")
    if urlsplit(url).path.strip("/") == NATIONAL_DB:
        raise SystemExit(f"DATABASE_URL must name the server, not {NATIONAL_DB} itself.")
    return url


def national_url(server: str) -> str:
    return urlunsplit(urlsplit(server)._replace(path="/" + NATIONAL_DB))


def psycopg_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(scheme="postgresql"))


def _admin(server: str):
    import psycopg

    return psycopg.connect(psycopg_url(urlunsplit(urlsplit(server)._replace(path="/postgres"))), autocommit=True)


def build_state(server: str) -> dict | None:
    """The meta row of a finished build, or None when the database is missing or the build did not finish."""
    import psycopg

    with _admin(server) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [NATIONAL_DB]).fetchone():
            return None
    with psycopg.connect(psycopg_url(national_url(server)), autocommit=True) as conn:
        if not conn.execute("SELECT to_regclass(%s)", [META_TABLE]).fetchone()[0]:
            return None
        row = conn.execute(f"SELECT data FROM {META_TABLE}").fetchone()
        return row[0] if row else None


def recreate_database(server: str) -> None:
    with _admin(server) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {NATIONAL_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {NATIONAL_DB}")


def configure_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    # Production-like: DEBUG off (cached templates). TESTING only lifts the https redirect and the secret key.
    os.environ["DEBUG"] = "0"
    os.environ["TESTING"] = "1"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ.pop("REDIS_URL", None)  # local-memory cache, tasks inline: nothing shared with other runs
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- timing ------------------------------------------------------------------------------------------------


class Steps:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def step(self, name: str):
        print(f"  {name:<52}", end="", flush=True)
        started = time.perf_counter()
        yield
        elapsed = time.perf_counter() - started
        self.seconds[name] = round(elapsed, 2)
        print(f"{elapsed:8.1f} s", flush=True)


# --- setting indexes and constraints aside during the load -------------------------------------------------

LOADED_TABLES = (
    "organizations_organization",
    "organizations_membercountsnapshot",
    "candidates_candidate",
    "candidates_candidate_categories",
    "candidates_candidateevent",
)


def set_aside(conn) -> dict:
    """Drop the secondary indexes, unique and foreign-key constraints of the loaded tables; return how to restore."""
    constraints = conn.execute(
        """SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
             FROM pg_constraint c
            WHERE c.conrelid::regclass::text = ANY(%s) AND c.contype IN ('f', 'u')
            ORDER BY c.contype DESC""",  # unique before foreign keys when restoring
        [list(LOADED_TABLES)],
    ).fetchall()
    constraint_names = {name for _table, name, _definition in constraints}
    indexes = conn.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
              AND i.indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype = 'p')""",
        [list(LOADED_TABLES)],
    ).fetchall()
    indexes = [(name, definition) for name, definition in indexes if name not in constraint_names]
    for table, name, _definition in reversed(constraints):
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    return {"constraints": constraints, "indexes": indexes}


def restore(conn, aside: dict) -> None:
    for _name, definition in aside["indexes"]:
        conn.execute(definition)
    for table, name, definition in aside["constraints"]:
        conn.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


# --- the tree ----------------------------------------------------------------------------------------------


def _step(index: int) -> str:
    from organizations.models import Organization

    return Organization._int2str(index).rjust(Organization.steplen, "0")


@lru_cache(maxsize=200_000)
def _folded(text: str) -> str:
    from config.text import fold

    return fold(text)


@lru_cache(maxsize=200_000)
def _collation(text: str) -> str:
    from config.text import collation_key

    return collation_key(text)


class Tree:
    """The nodes as COPY rows, plus what the later steps need (cells, communes, provinces, member counts)."""

    def __init__(self) -> None:
        self.rows: list[list] = []
        self.members: dict[int, int] = {}
        self.cells: list[tuple[int, str, int]] = []  # (id, path, commune index)
        self.communes: list[tuple[int, str, int]] = []  # (id, path, province index)
        self.provinces: list[tuple[int, str, str]] = []  # (id, path, code)


def plan_tree(args, rng: random.Random, root, kinds: dict, sectors: dict) -> Tree:
    """Compute every node (paths, numchild, derived keys) in Python; ids follow the root's."""
    tree = Tree()
    next_id = root.pk + 1

    def node(path: str, name: str, code: str, kind: str, sector: str | None, place: str, issuer: str = "") -> list:
        nonlocal next_id
        short = ""
        row = [
            next_id,
            path,
            len(path) // 5,
            0,
            root.pk,
            name,
            short,
            code,
            kinds[kind],
            sectors[sector] if sector else None,
            issuer,
            place,
            None,
            None,
            None,
            "",
            f"{_folded(name)} {_folded(short)} {code.lower()}"[:400],
            _collation(name)[:400],
        ]
        next_id += 1
        tree.rows.append(row)
        return row

    # Province sizes vary (0.72-1.28 of the average) but add up to provinces x communes, as in the issue.
    factors = [rng.uniform(0.72, 1.28) for _ in range(args.provinces)]
    mean = sum(factors) / len(factors)
    sizes = [max(1, round(args.communes * f / mean)) for f in factors]
    total_members = 0
    for p in range(args.provinces):
        committee, place = PROVINCES[p % len(PROVINCES)]
        p_code = f"P{p + 1:02d}"
        p_path = root.path + _step(p + 1)
        p_row = node(p_path, committee, p_code, "tinh-uy", "co-quan-dang", place, "TU")
        tree.provinces.append((p_row[0], p_path, p_code))
        n_communes = sizes[p]
        p_members = 0
        for c in range(n_communes):
            c_code = f"{p_code}-X{c + 1:03d}"
            c_path = p_path + _step(c + 1)
            c_name = f"Đảng ủy xã số {c + 1} ({place})"
            c_row = node(c_path, c_name, c_code, "dang-uy-xa", "xa-phuong", f"Xã số {c + 1}", "ĐU")
            commune_index = len(tree.communes)
            tree.communes.append((c_row[0], c_path, p))
            n_bases = max(1, round(args.bases * rng.uniform(0.67, 1.33)))
            c_members = 0
            for b in range(n_bases):
                kind, label, sector = BASE_NAMES[b % len(BASE_NAMES)] if b < 8 else BASE_NAMES[4 + b % 2]
                if b >= 8 and rng.random() < 0.2:
                    kind, label, sector = BASE_NAMES[6 + b % 2]
                b_code = f"{c_code}-B{b + 1:02d}"
                b_path = c_path + _step(b + 1)
                b_row = node(b_path, f"{label} {b + 1}", b_code, kind, sector, "")
                if kind == "chi-bo-co-so":
                    members = rng.randint(10, 45)
                    tree.cells.append((b_row[0], b_path, commune_index))
                else:
                    n_cells = rng.choice((5, 6, 6, 7, 7, 7, 8))
                    members = 0
                    for k in range(n_cells):
                        k_path = b_path + _step(k + 1)
                        k_row = node(k_path, f"Chi bộ {k + 1}", f"{b_code}-C{k + 1}", "chi-bo", sector, "")
                        cell_members = rng.randint(6, 38)
                        tree.members[k_row[0]] = cell_members
                        tree.cells.append((k_row[0], k_path, commune_index))
                        members += cell_members
                    b_row[3] = n_cells
                tree.members[b_row[0]] = members
                c_members += members
            c_row[3] = n_bases
            tree.members[c_row[0]] = c_members
            p_members += c_members
        p_row[3] = n_communes
        tree.members[p_row[0]] = p_members
        total_members += p_members
    tree.members[root.pk] = total_members
    return tree


# --- candidates and their events ---------------------------------------------------------------------------


def _days(rng: random.Random, bounds: tuple[int, int]) -> int:
    return rng.randint(*bounds)


def _backward(rng: random.Random, anchor: dt.date, reached: int) -> list[dt.date]:
    """Dates of steps 0..reached ending at `anchor`, squeezed to start no earlier than DATA_START."""
    gaps = [_days(rng, CHAIN[i][2]) for i in range(1, reached + 1)]
    total = sum(gaps)
    room = (anchor - DATA_START).days
    if total > room:
        scale = room / total if total else 0
        gaps = [int(g * scale) for g in gaps]
    dates = [anchor]
    for gap in reversed(gaps):
        dates.append(dates[-1] - dt.timedelta(days=gap))
    return list(reversed(dates))


def _recent_date(rng: random.Random, skew: float = 1.5) -> dt.date:
    """A date in DATA_START..AS_OF, more often recent (lists are refreshed; old entries move on or drop out)."""
    span = (AS_OF - DATA_START).days
    return AS_OF - dt.timedelta(days=int(span * rng.random() ** skew))


def _admission_date(rng: random.Random) -> dt.date:
    year = rng.choices([y for y, _ in ADMISSION_YEARS], weights=[w for _, w in ADMISSION_YEARS])[0]
    start = dt.date(year, 1, 1)
    end = min(dt.date(year, 12, 31), AS_OF)
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


class Loader:
    """Streams candidates, their categories and events into three COPY operations on three connections."""

    EVENT_COLUMNS = [
        "id",
        "tenant_id",
        "candidate_id",
        "organization_id",
        "org_path",
        "kind",
        "event_date",
        "from_stage",
        "to_stage",
        "document_number",
        "summary",
        "data",
        "late",
        "voided",
        "voided_by_id",
        "corrects_id",
        "actor_id",
        "created_at",
    ]

    def __init__(self, tenant_id: int, categories: dict[str, int]) -> None:
        from candidates.models import Candidate

        self.tenant_id = tenant_id
        self.categories = categories
        fields = list(Candidate._meta.concrete_fields)
        self.candidate_columns = [f.column for f in fields]
        self.template = []
        for f in fields:
            if f.null:
                self.template.append(None)
            elif f.has_default():
                self.template.append(f.get_default())
            else:
                self.template.append("")
        self.ix = {column: i for i, column in enumerate(self.candidate_columns)}
        self.next_event_id = 1
        self.counts: Counter = Counter()
        self.admissions_2025: Counter = Counter()  # by commune index, counted events only
        self.stages: Counter = Counter()
        self.void_later: list[tuple[int, int]] = []  # (event id, id of the cancellation that voids it)

    def timestamp(self, day: dt.date) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=TZ)

    def event(self, out, c: dict, kind: str, day: dt.date, from_stage="", to_stage="", **extra) -> int:
        event_id = self.next_event_id
        self.next_event_id += 1
        out.write_row(
            (
                event_id,
                self.tenant_id,
                c["id"],
                c["organization_id"],
                c["org_path"],
                kind,
                day,
                from_stage,
                to_stage,
                extra.get("document", ""),
                EVENT_SUMMARY[kind],
                extra.get("data", "{}"),
                False,
                extra.get("voided", False),
                extra.get("voided_by"),
                extra.get("corrects"),
                None,
                self.timestamp(day),
            )
        )
        self.counts["events"] += 1
        self.counts[f"event:{kind}"] += 1
        return event_id

    def candidate(self, rng: random.Random, cand_id: int, cell: tuple[int, str, int], cand_out, cat_out, ev_out):
        cell_id, cell_path, commune_index = cell
        female = rng.random() < 0.5
        pupil = rng.random() < 0.025
        age = 18 if pupil else 19 + int(31 * rng.random() ** 1.8)
        minority = rng.random() < 0.14
        middle = FEMALE_MIDDLE if female else MALE_MIDDLE
        given = FEMALE_GIVEN if female else MALE_GIVEN
        name = f"{rng.choice(FAMILY_NAMES)} {rng.choice(middle)} {rng.choice(given)}"
        birth = dt.date(AS_OF.year - age, rng.randint(1, 12), rng.randint(1, 28))
        c = {"id": cand_id, "organization_id": cell_id, "org_path": cell_path, "commune": commune_index}
        values = {
            "id": cand_id,
            "tenant_id": self.tenant_id,
            "organization_id": cell_id,
            "org_path": cell_path,
            "full_name": name,
            "sex": "female" if female else "male",
            "birth_date": birth,
            "ethnicity": rng.choice(ETHNIC_GROUPS) if minority else "Kinh",
            "education": "upper_secondary" if pupil or rng.random() < 0.85 else "lower_secondary",
            "occupation": "Học sinh lớp 12" if pupil else rng.choice(("Nông dân", "Công nhân", "Giáo viên", "")),
            "national_id": f"0{cand_id % 96 + 1:02d}{int(female)}{birth.year % 100:02d}{cand_id:06d}"[-12:],
            "name_key": _person_key(name),
            "search_text": _folded(name)[:200],
        }
        self.timeline(rng, c, values, commune_index, ev_out)
        row = self.template.copy()
        for column, value in values.items():
            row[self.ix[column]] = value
        created = self.timestamp(values["listed_on"])
        row[self.ix["created_at"]] = created
        row[self.ix["updated_at"]] = self.timestamp(values["stage_on"])
        cand_out.write_row(row)
        self.counts["candidates"] += 1
        self.stages[values["stage"]] += 1
        cats = []
        if female:
            cats.append("nu")
        if minority:
            cats.append("dan-toc-thieu-so")
        if pupil:
            cats.append("hoc-sinh")
        if age <= 30:
            cats.append("tuoi-18-30")
            if pupil or rng.random() < 0.85:
                cats.append("doan-vien")
        for code in cats:
            cat_out.write_row((cand_id, self.categories[code]))
            self.counts[f"category:{code}"] += 1

    def timeline(self, rng: random.Random, c: dict, v: dict, commune_index: int, out) -> None:
        """Events consistent with the stage reached, and the stage fields the steps store."""
        share = rng.random()
        reached, dropped = ADMISSION, False
        for weight, step, is_dropped in CLASSES:
            share -= weight
            if share < 0:
                reached, dropped = step, is_dropped
                break
        if dropped:
            reached = rng.choices(range(6), weights=(30, 30, 20, 12, 5, 3))[0]
        if reached is not None and reached >= ADMISSION:
            admission_on = _admission_date(rng)
            dates = _backward(rng, admission_on, ADMISSION)
            ceremony_on = admission_on + dt.timedelta(days=_days(rng, CHAIN[CEREMONY][2]))
            if ceremony_on <= AS_OF:
                dates.append(ceremony_on)
                recognition_on = ceremony_on + dt.timedelta(days=_days(rng, CHAIN[RECOGNITION][2]))
                if recognition_on <= AS_OF:
                    dates.append(recognition_on)
        else:
            last = _recent_date(rng)
            dates = _backward(rng, last, reached)
        exit_kind, exit_on = None, None
        if dropped:
            exit_on = min(dates[-1] + dt.timedelta(days=rng.randint(15, 200)), AS_OF)
            exit_kind = "dropped"
        elif len(dates) > CEREMONY and rng.random() < 0.015:
            exit_on = min(dates[ADMISSION] + dt.timedelta(days=rng.randint(30, 300)), AS_OF)
            exit_kind = "cancelled"
            dates = [d for d in dates if d <= exit_on]
        elif len(dates) == CEREMONY + 1 and rng.random() < 0.02:
            exit_on = min(dates[CEREMONY] + dt.timedelta(days=rng.randint(180, 340)), AS_OF)
            exit_kind = "removed"
        corrected = len(dates) > ADMISSION and exit_kind is None and rng.random() < 0.01

        previous = ""
        written: dict[int, int] = {}
        for step, day in enumerate(dates):
            kind, stage, _gaps = CHAIN[step]
            document = ""
            if kind == "trained":
                document = f"{c['id'] % 900 + 1}/GCN-TTCT"
            elif kind == "cell_resolution":
                document = f"{c['id'] % 50 + 1}-NQ/CB"
            elif kind == "base_resolution":
                document = f"{c['id'] % 90 + 1}-NQ/ĐU"
            elif kind == "admission":
                document = f"{c['id'] % 400 + 1}-QĐ/ĐU"
                if corrected:
                    # A wrong entry, undone by a correction (void, not counted), then entered again.
                    wrong = self.next_event_id
                    self.event(out, c, kind, day, previous, stage, document="0-QĐ/ĐU", voided=True, voided_by=wrong + 1)
                    self.event(
                        out, c, "correction", min(day + dt.timedelta(days=rng.randint(1, 5)), AS_OF),
                        stage, previous, corrects=wrong,
                    )  # fmt: skip
                    self.counts["voided:admission"] += 1
            written[step] = self.event(out, c, kind, day, previous if step else "", stage, document=document)
            previous = stage
        reached_step = len(dates) - 1
        stage = CHAIN[reached_step][1]
        if exit_kind == "cancelled":
            voided = [written[s] for s in (ADMISSION, CEREMONY, RECOGNITION) if s in written]
            cancel_id = self.next_event_id
            self.event(
                out, c, "cancelled", exit_on, stage, "cancelled", document=f"{c['id'] % 30 + 1}-QĐ/TU",
                data=json.dumps({"voided": voided}),
            )  # fmt: skip
            self.counts["voided:admission"] += 1
            self.void_later.extend((event_id, cancel_id) for event_id in voided)
            stage = "cancelled"
        elif exit_kind:
            self.event(out, c, exit_kind, exit_on, stage, exit_kind)
            stage = exit_kind
        if exit_kind != "cancelled" and len(dates) > ADMISSION and dates[ADMISSION].year == PLAN_YEAR:
            self.admissions_2025[c["commune"]] += 1

        v["stage"] = stage
        v["stage_on"] = exit_on or dates[-1]
        v["listed_on"] = dates[0]
        if reached_step >= 1:
            v["outstanding_on"] = dates[1]
        if reached_step >= 2:
            v["awareness_cert_on"] = dates[2]
            v["awareness_cert_number"] = f"{c['id'] % 900 + 1}/GCN-TTCT"
        if reached_step >= 3:
            v["dossier_on"] = v["history_on"] = dates[3]
        if reached_step >= 4:
            members = rng.randint(6, 38)
            v.update(
                cell_resolution_on=dates[4],
                cell_resolution_number=f"{c['id'] % 50 + 1}-NQ/CB",
                cell_votes_for=members,
                cell_members_counted=members,
            )
        if reached_step >= 5:
            v.update(
                base_resolution_on=dates[5],
                base_resolution_number=f"{c['id'] % 90 + 1}-NQ/ĐU",
                base_votes_for=11,
                base_members_counted=13,
            )
        if reached_step >= ADMISSION:
            v.update(
                decision_on=dates[ADMISSION],
                decision_number=f"{c['id'] % 400 + 1}-QĐ/ĐU",
                decision_body="Ban Thường vụ Đảng ủy xã",
                decision_votes_for=5,
                decision_members_counted=5,
            )
        if reached_step >= CEREMONY:
            from candidates.rules import probation_ends_on

            v["ceremony_on"] = dates[CEREMONY]
            v["probation_ends_on"] = probation_ends_on(dates[CEREMONY])
        if reached_step >= RECOGNITION:
            v.update(
                recognition_on=dates[RECOGNITION],
                recognition_number=f"{c['id'] % 300 + 1}-QĐ/ĐU",
                recognition_body="Ban Thường vụ Đảng ủy xã",
                full_member_from=v["probation_ends_on"],
            )
        if exit_kind:
            v["exit_on"] = exit_on
            v["exit_reason"] = "withdrew" if exit_kind == "dropped" else ""
            v["exit_document"] = "" if exit_kind == "dropped" else f"{c['id'] % 30 + 1}-QĐ"
            v["exit_note"] = "" if exit_kind == "dropped" else "Dữ liệu đo"


@lru_cache(maxsize=50_000)
def _person_key(name: str) -> str:
    from config.text import person_sort_key

    return person_sort_key(name)[:400]


def load_candidates(conns, loader: Loader, tree: Tree, count: int, rng: random.Random) -> None:
    cand_conn, cat_conn, ev_conn = conns
    weights = [tree.members.get(cell_id, 20) for cell_id, _path, _commune in tree.cells]
    cum, total = [], 0
    for w in weights:
        total += w
        cum.append(total)
    chosen = rng.choices(range(len(tree.cells)), cum_weights=cum, k=count)
    chosen.sort()  # candidates of a cell get consecutive ids, as when a cell enters its list
    columns = ", ".join(loader.candidate_columns)
    with (
        cand_conn.cursor().copy(f"COPY candidates_candidate ({columns}) FROM STDIN") as cand_out,
        cat_conn.cursor().copy("COPY candidates_candidate_categories (candidate_id, category_id) FROM STDIN") as cat,
        ev_conn.cursor().copy(
            f"COPY candidates_candidateevent ({', '.join(Loader.EVENT_COLUMNS)}) FROM STDIN"
        ) as ev_out,
    ):
        for cand_id, cell_index in enumerate(chosen, start=1):
            cell = tree.cells[cell_index]
            loader.candidate(rng, cand_id, cell, cand_out, cat, ev_out)
    # A cancelled admission's events are void, pointing to the cancellation (as candidates.services does).
    with ev_conn.cursor() as cur:
        cur.executemany(
            "UPDATE candidates_candidateevent SET voided = true, voided_by_id = %s WHERE id = %s",
            [(cancel_id, event_id) for event_id, cancel_id in loader.void_later],
        )


# --- plans and users ---------------------------------------------------------------------------------------


def build_plans(tree: Tree, root, admissions_2025: Counter, rng: random.Random) -> dict:
    """The root allocates 2025 admission quotas to the provinces; each province to its communes; all issued."""
    from django.contrib.auth import get_user_model

    from organizations.models import Organization, Role, RoleAssignment
    from planning import services
    from planning.models import Metric, Target
    from planning.selectors import column_key_of

    User = get_user_model()
    by_code = {code: pk for pk, _path, code in tree.provinces}
    bench_code = BENCH_PROVINCE_CODE if BENCH_PROVINCE_CODE in by_code else tree.provinces[0][2]
    province_id = by_code[bench_code]
    users = {}
    for username, full, org_id, role in (
        ("bench_tw_vanphong", ("Hoa", "Nguyễn Thị"), root.pk, Role.OFFICE_STAFF),
        ("bench_tw_bantochuc", ("Bình", "Lê Văn"), root.pk, Role.REVIEW_BOARD),
        ("bench_p25_vanphong", ("Lan", "Trần Thị"), province_id, Role.OFFICE_STAFF),
        ("bench_p25_bantochuc", ("Dũng", "Phạm Văn"), province_id, Role.REVIEW_BOARD),
    ):
        user = User.objects.create_user(username, first_name=full[0], last_name=full[1])
        RoleAssignment.objects.create(user=user, organization_id=org_id, role=role)
        users[username] = user
    staff = users["bench_tw_vanphong"]
    admissions = Metric.objects.get(tenant__isnull=True, code=Metric.ADMISSIONS)
    key = column_key_of(admissions)

    commune_quota: dict[int, int] = {}
    by_province: dict[int, list[int]] = {}
    for index, (commune_id, _path, province_index) in enumerate(tree.communes):
        actual = admissions_2025.get(index, 0)
        commune_quota[commune_id] = max(1, round(actual / rng.uniform(0.75, 1.0)))
        by_province.setdefault(province_index, []).append(commune_id)
    province_quota = {
        tree.provinces[p][0]: sum(commune_quota[c] for c in communes) for p, communes in by_province.items()
    }
    signer = {"signer_title": "Phó Bí thư Thường trực", "signer_name": "Nguyễn Văn Thắng"}
    root_plan = services.plan_create(
        actor=staff, issuer=root, kind="annual", start_year=PLAN_YEAR, title="Phát triển đảng viên năm 2025"
    )
    services.plan_update(actor=staff, plan=root_plan, **signer)
    services.target_add(
        actor=staff, plan=root_plan, metric=admissions, kind=Target.Kind.ABSOLUTE, low=sum(province_quota.values())
    )
    services.allocations_save(
        actor=staff,
        plan=root_plan,
        rows=[services.AllocationRow(organization_id=pk, values={key: q}) for pk, q in province_quota.items()],
    )
    services.plan_issue(actor=staff, plan=root_plan, issued_on=dt.date(2025, 1, 8), number=1)
    plans = {"root": root_plan.pk}
    provinces = dict(Organization.objects.in_bulk([pk for pk, _p, _c in tree.provinces]).items())
    for p_index, (province_pk, _path, code) in enumerate(tree.provinces):
        plan = services.plan_create(
            actor=staff,
            issuer=provinces[province_pk],
            kind="annual",
            start_year=PLAN_YEAR,
            title="Phát triển đảng viên năm 2025",
            parent_plan=root_plan,
        )
        services.plan_update(actor=staff, plan=plan, **signer)
        rows = [
            services.AllocationRow(organization_id=c, values={key: commune_quota[c]})
            for c in by_province.get(p_index, [])
        ]
        services.allocations_save(actor=staff, plan=plan, rows=rows)
        services.plan_issue(actor=staff, plan=plan, issued_on=dt.date(2025, 1, 20), number=1)
        plans[code] = plan.pk
    return {
        "plans": plans,
        "quota_total": sum(province_quota.values()),
        "bench_province": bench_code,
        "quota_bench_province": province_quota[province_id],
        "users": sorted(users),
    }


# --- the build ---------------------------------------------------------------------------------------------


def build(args, url: str) -> dict:
    import psycopg
    from django.core.management import call_command
    from django.db import connection

    from organizations import services
    from organizations.models import Category, Organization, OrganizationKind, Sector

    steps = Steps()
    rng = random.Random(args.seed)
    with steps.step("migrate"):
        call_command("migrate", verbosity=0)
    kinds = {k.code: k.pk for k in OrganizationKind.objects.filter(tenant__isnull=True)}
    sectors = {s.code: s.pk for s in Sector.objects.filter(tenant__isnull=True)}
    categories = {c.code: c.pk for c in Category.objects.filter(tenant__isnull=True)}
    root = services.tenant_create(
        name=ROOT_NAME, code=ROOT_CODE, kind=OrganizationKind.objects.get(tenant__isnull=True, code="tinh-uy")
    )
    connection.close()

    def connect():
        conn = psycopg.connect(psycopg_url(url), autocommit=True)
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("SET synchronous_commit = off")
        return conn

    conns = [connect() for _ in range(3)]
    main = conns[0]
    with steps.step("set aside indexes and constraints"):
        aside = set_aside(main)
    with steps.step("compute the tree (paths, keys) in Python"):
        tree = plan_tree(args, rng, root, kinds, sectors)
    columns = (
        "id path depth numchild tenant_id name short_name code kind_id sector_id issuer_code place_name"
        " valid_from valid_to successor_id dissolution_note search_text name_key"
    ).replace(" ", ", ")
    with steps.step(f"COPY {len(tree.rows):,} organizations"):
        with main.cursor().copy(f"COPY organizations_organization ({columns}) FROM STDIN") as copy:
            for row in tree.rows:
                copy.write_row(row)
        main.execute(
            "UPDATE organizations_organization SET numchild = %s WHERE id = %s", [len(tree.provinces), root.pk]
        )
    with steps.step(f"COPY {len(tree.members):,} member-count snapshots"):
        created = dt.datetime(2025, 1, 5, 8, 0, tzinfo=TZ)
        with main.cursor().copy(
            "COPY organizations_membercountsnapshot (organization_id, as_of, members, note, created_at) FROM STDIN"
        ) as copy:
            for org_id, members in tree.members.items():
                copy.write_row((org_id, SNAPSHOT_ON, members, "", created))
    loader = Loader(root.pk, categories)
    with steps.step(f"COPY {args.candidates:,} candidates, categories and events"):
        load_candidates(conns, loader, tree, args.candidates, rng)
    with steps.step("rebuild indexes, re-add (and check) constraints"):
        restore(main, aside)
    with steps.step("reset sequences"):
        for table in ("organizations_organization", "candidates_candidate", "candidates_candidateevent"):
            main.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    for conn in conns:
        conn.close()
    root = Organization.objects.get(pk=root.pk)
    with steps.step("annual 2025 plans (planning.services), users"):
        plans = build_plans(tree, root, loader.admissions_2025, rng)
    connection.close()
    with steps.step("VACUUM (ANALYZE)"), psycopg.connect(psycopg_url(url), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    kinds_count = Counter(row[8] for row in tree.rows)
    kind_codes = {pk: code for code, pk in kinds.items()}
    return {
        "seconds": steps.seconds,
        "organizations": {kind_codes[k]: n for k, n in kinds_count.items()} | {"root": 1},
        "organizations_total": len(tree.rows) + 1,
        "member_count_snapshots": len(tree.members),
        "members_total": tree.members[root.pk],
        "candidates": loader.counts["candidates"],
        "events": loader.counts["events"],
        "events_by_kind": {k.split(":", 1)[1]: n for k, n in sorted(loader.counts.items()) if k.startswith("event:")},
        "voided_admissions": loader.counts["voided:admission"],
        "categories": {k.split(":", 1)[1]: n for k, n in sorted(loader.counts.items()) if k.startswith("category:")},
        "stages": dict(loader.stages.most_common()),
        "admissions_2025_counted": sum(loader.admissions_2025.values()),
        **plans,
    }


def table_sizes(url: str) -> dict:
    import psycopg

    with psycopg.connect(psycopg_url(url)) as conn:
        rows = conn.execute(
            """SELECT relname, n_live_tup, pg_total_relation_size(relid)
                 FROM pg_stat_user_tables WHERE relname = ANY(%s) ORDER BY 1""",
            [[*list(LOADED_TABLES), "planning_allocation", "planning_plan"]],
        ).fetchall()
        database = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    return {
        "tables": {name: {"rows": n, "mb": round(size / 2**20, 1)} for name, n, size in rows},
        "database_mb": round(database / 2**20, 1),
    }


def main() -> int:
    args = parse_args()
    server = server_url()
    url = national_url(server)
    state = None if args.rebuild else build_state(server)
    if state is not None:
        print(f"{NATIONAL_DB} is already built ({state['at']}); reusing it. Use --rebuild to build it again.")
        print(f"  {state['organizations_total']:,} organizations, {state['candidates']:,} candidates,"
              f" {state['events']:,} events, built in {state['build_seconds']:.0f} s")  # fmt: skip
        return 0
    print(f"Building {NATIONAL_DB} ...")
    started = time.perf_counter()
    recreate_database(server)
    configure_django(url)
    import django

    result = build(args, url)
    elapsed = round(time.perf_counter() - started, 1)
    sizes = table_sizes(url)
    report = {
        "benchmark": "national_build",
        "at": dt.datetime.now().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "django": django.get_version(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "parameters": vars(args) | {"as_of": AS_OF.isoformat(), "data_start": DATA_START.isoformat()},
        "build_seconds": elapsed,
        **result,
        **sizes,
    }
    import psycopg

    with psycopg.connect(psycopg_url(url), autocommit=True) as conn:
        conn.execute(f"CREATE TABLE {META_TABLE} (data jsonb NOT NULL)")
        conn.execute(f"INSERT INTO {META_TABLE} VALUES (%s::jsonb)", [json.dumps(report, ensure_ascii=False)])
    print(f"\nBuilt in {elapsed:.0f} s; database {sizes['database_mb']:,.0f} MB")
    print(f"  {'table':<36} {'rows':>12} {'MB':>8}")
    for name, t in sizes["tables"].items():
        print(f"  {name:<36} {t['rows']:>12,} {t['mb']:>8,.0f}")
    print(f"  organizations by kind: {result['organizations']}")
    print(f"  stages: {result['stages']}")
    print(
        f"  admission events: {result['events_by_kind'].get('admission', 0):,}"
        f" (void {result['voided_admissions']:,}); counted in 2025: {result['admissions_2025_counted']:,};"
        f" 2025 quota allocated by the root: {result['quota_total']:,}"
    )
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    out = OUT_DIR / f"national_build-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"JSON: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
