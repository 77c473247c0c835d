"""Accounts and extra candidates for the load run, on top of `manage.py load_demo` (bench/load/run.sh).

In Huyện ủy Đơn Dương (the demo district with an issued 2025 plan):
- one cell secretary account per cell for `--secretaries` cells, each cell given `--candidates` new sources
  (created through candidates.services, as the "add" page does), so that every simulated secretary has a list
  to work on, sources to move on a step and people to edit without touching another secretary's cell;
- `--boards` review-board accounts and `--offices` office-staff accounts at the district.

All accounts share the demo password; the hash is computed once and copied (Argon2 costs ~0.1 s per hash).
Writes a JSON file that the locustfile reads: the accounts, the district, its plan and base organizations.

    DATABASE_URL=... SECRET_KEY=... .venv/bin/python bench/load/prepare.py --out bench/out/load/fixture.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402

from candidates import services as candidate_services  # noqa: E402
from organizations.models import Organization, Role, RoleAssignment  # noqa: E402
from planning.models import Plan  # noqa: E402

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
MIDDLE = {"male": ["Văn", "Hữu", "Đức", "Minh", "Quốc"], "female": ["Thị", "Ngọc", "Thu", "Hoài", "Thanh"]}
GIVEN = {
    "male": ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phúc", "Sơn", "Tuấn"],
    "female": ["Anh", "Ánh", "Giang", "Hà", "Hạnh", "Hương", "Lan", "Linh", "Mai", "Thảo", "Trang", "Yến"],
}
OCCUPATIONS = ["Nông dân", "Giáo viên", "Công chức xã", "Nhân viên y tế", "Lao động tự do", "Đoàn viên thanh niên"]


def _person(rng: random.Random) -> dict:
    sex = rng.choice(["male", "female"])
    return {
        "full_name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}",
        "sex": sex,
        "birth_date": dt.date(rng.randint(1980, 2004), rng.randint(1, 12), rng.randint(1, 28)),
        "education": "upper_secondary",
        "occupation": rng.choice(OCCUPATIONS),
        "ethnicity": "Kinh" if rng.random() < 0.7 else "Cơ Ho",
        "religion": "Không",
    }


def _accounts(prefix: str, count: int, password_hash: str, full_name: str) -> list:
    User = get_user_model()
    users = [
        User(username=f"{prefix}{index:02d}", first_name=f"{index:02d}", last_name=full_name, password=password_hash)
        for index in range(1, count + 1)
    ]
    return User.objects.bulk_create(users)


@transaction.atomic
def prepare(*, secretaries: int, candidates: int, boards: int, offices: int, seed: int) -> dict:
    district = Organization.objects.select_related("kind").get(code="DONDUONG", depth=2)
    plan = Plan.objects.filter(issuer=district, status=Plan.Status.ISSUED).order_by("-start_year").first()
    if plan is None:
        raise SystemExit("Không có kế hoạch đã ban hành của Huyện ủy Đơn Dương: chạy manage.py load_demo trước.")
    staff = get_user_model().objects.get(username="ld_vanphong")
    cells = list(
        Organization.objects.filter(path__startswith=district.path, kind__is_cell=True, valid_to__isnull=True)
        .exclude(role_assignments__role=Role.CELL_SECRETARY)
        .order_by("path")[:secretaries]
    )
    if len(cells) < secretaries:
        raise SystemExit(f"Chỉ có {len(cells)} chi bộ chưa có bí thư; cần {secretaries}.")
    password_hash = make_password(settings.DEMO_PASSWORD)
    secretary_users = _accounts("load_bithu", secretaries, password_hash, "Bí thư (tải)")
    board_users = _accounts("load_bantochuc", boards, password_hash, "Ban Tổ chức (tải)")
    office_users = _accounts("load_vanphong", offices, password_hash, "Văn phòng (tải)")
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=u, organization=c, role=Role.CELL_SECRETARY)
            for u, c in zip(secretary_users, cells, strict=True)
        ]
        + [RoleAssignment(user=u, organization=district, role=Role.REVIEW_BOARD) for u in board_users]
        + [RoleAssignment(user=u, organization=district, role=Role.OFFICE_STAFF) for u in office_users]
    )
    rng = random.Random(seed)
    today = dt.date.today()
    created = 0
    for cell in cells:
        for _ in range(candidates):
            listed = today - dt.timedelta(days=rng.randint(30, 400))
            candidate_services.candidate_create(actor=staff, organization=cell, listed_on=listed, **_person(rng))
            created += 1
    bases = Organization.objects.filter(path__startswith=district.path, depth=district.depth + 1).order_by("path")
    return {
        "password": settings.DEMO_PASSWORD,
        "district": district.pk,
        "plan": plan.pk,
        "year": plan.start_year,
        "bases": list(bases.values_list("pk", flat=True)),
        "secretaries": [{"username": u.username, "cell": c.pk} for u, c in zip(secretary_users, cells, strict=True)],
        "boards": [u.username for u in board_users],
        "offices": [u.username for u in office_users],
        "candidates_created": created,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--secretaries", type=int, default=40)
    parser.add_argument("--candidates", type=int, default=20, help="new sources per secretary's cell")
    parser.add_argument("--boards", type=int, default=20)
    parser.add_argument("--offices", type=int, default=15)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    started = time.monotonic()
    fixture = prepare(
        secretaries=args.secretaries,
        candidates=args.candidates,
        boards=args.boards,
        offices=args.offices,
        seed=args.seed,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(fixture, ensure_ascii=False, indent=1), encoding="utf-8")
    print(
        f"prepare: {len(fixture['secretaries'])} secretaries, {len(fixture['boards'])} board, "
        f"{len(fixture['offices'])} office accounts; {fixture['candidates_created']} candidates added "
        f"in {time.monotonic() - started:.1f} s -> {args.out}"
    )


if __name__ == "__main__":
    main()
