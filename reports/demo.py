"""Demo activity on top of the demo tree (organizations.demo): the seed-002 plan of Huyện ủy Đơn Dương with its
allocations, and candidates taken through the stage machine by the same services the pages use, so that the
dashboards, the candidate pages and the printed plan have something true to show.

Deterministic (seeded random generator); idempotent: nothing is done when the Đơn Dương plan exists.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from candidates import services as candidate_services
from candidates.models import CandidatePerson
from organizations.demo import DON_DUONG_BASE_ORGANIZATIONS
from organizations.models import Category, Organization
from planning import services as planning_services
from planning.models import Metric, Plan, Target
from planning.selectors import column_key_of

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "K'", "Ka", "Ya"]
MIDDLE_MALE = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh"]
MIDDLE_FEMALE = ["Thị", "Ngọc", "Thu", "Minh", "Thanh", "Hoài"]
GIVEN_MALE = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hùng",
    "Khánh",
    "Long",
    "Nam",
    "Phúc",
    "Quân",
    "Sơn",
    "Tuấn",
    "Trung",
    "Vinh",
]
GIVEN_FEMALE = [
    "Anh",
    "Ánh",
    "Châu",
    "Giang",
    "Hà",
    "Hạnh",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Ngân",
    "Thảo",
    "Trang",
    "Uyên",
    "Vy",
    "Yến",
]
OCCUPATIONS = [
    "Công chức xã",
    "Giáo viên",
    "Nông dân",
    "Đoàn viên thanh niên",
    "Công an viên",
    "Nhân viên y tế",
    "Lao động tự do",
    "Bộ đội xuất ngũ",
]

SEED_002_BASES = (
    "Thực hiện Nghị quyết số 22-NQ/HU ngày 18 tháng 12 năm 2024 của Huyện ủy Đơn Dương về phát triển kinh tế - "
    "xã hội, bảo đảm quốc phòng an ninh, xây dựng Đảng - hệ thống chính trị năm 2025; Chỉ thị số …-CT/HU, "
    "ngày …/01/2025 của Ban Thường vụ Huyện ủy về đẩy mạnh công tác phát triển đảng viên;"
)
SEED_002_RECIPIENTS = (
    "- Ban Tổ chức Tỉnh ủy (b/c),\n- Các đồng chí UVBTV Huyện ủy,\n- Các cơ quan tham mưu, giúp việc Huyện ủy,\n"
    "- Các Tổ chức cơ sở Đảng,\n- Lưu Văn phòng Huyện ủy."
)
SEED_002_SECTIONS = [
    (
        "Mục đích, yêu cầu",
        "1. Mục đích\n- Nâng cao năng lực lãnh đạo, sức chiến đấu của các chi bộ, đảng bộ, phấn đấu hoàn thành "
        "nhiệm vụ ngày càng cao ở mỗi địa phương, đơn vị.\n2. Yêu cầu\n- Phát triển đảng viên phải coi trọng "
        "chất lượng, bảo đảm tiêu chuẩn, điều kiện; thực hiện đúng quy trình, thủ tục, nguyên tắc theo quy định "
        "của Điều lệ Đảng.",
    ),
    (
        "Mục tiêu, đối tượng, nhiệm vụ và giải pháp",
        "1. Mục tiêu\n(Các chỉ tiêu được in từ bảng chỉ tiêu của kế hoạch.)\n- Phấn đấu các chi bộ thôn, tổ dân phố, "
        "trường học trực thuộc đảng ủy xã, thị trấn có từ 10 đảng viên trở lên.\n2. Đối tượng\n- Quần chúng ưu tú là "
        "đoàn viên, hội viên các tổ chức chính trị - xã hội; cán bộ, công chức, viên chức; học sinh các trường trung "
        "học phổ thông.\n3. Nhiệm vụ\n- Chi bộ 03 năm trở lên không kết nạp đảng viên (nếu còn nguồn) phải có giải "
        "pháp cụ thể.\n4. Giải pháp\n- Tăng cường công tác tuyên truyền; phân công cấp ủy viên phụ trách thôn, tổ "
        "dân phố, trường học; tăng cường kiểm tra, giám sát.",
    ),
    (
        "Tổ chức thực hiện",
        "Các tổ chức cơ sở đảng quán triệt kế hoạch này đến cấp ủy, chi bộ, đảng viên; xây dựng kế hoạch phát triển "
        "đảng viên của đảng bộ, chi bộ cấp mình.\nGiao Ban Tổ chức Huyện ủy chủ trì, phối hợp với các cơ quan tham "
        "mưu, giúp việc Huyện ủy, Trung tâm Chính trị huyện theo dõi, kiểm tra, đôn đốc việc thực hiện kế hoạch này.",
    ),
]
# Admissions of 2025 of each base organization, as a share of its quota (a realistic spread: some ahead, some
# behind); the total lands near the 88 the plan asks for.
SHARE_2025 = [1.0, 0.9, 1.12, 0.5, 1.0, 0.86, 1.17, 0.67, 1.0, 1.12, 1.0, 0.67, 1.0, 0.34, 1.0]
STEPS = [
    "outstanding",
    "trained",
    "dossier",
    "cell_resolution",
    "base_resolution",
    "admission",
    "ceremony",
    "new_member_certificate",
    "recognition",
]


@dataclass
class Person:
    name: str
    sex: str
    birth: dt.date
    occupation: str


def _person(rng: random.Random, *, pupil: bool, reference: dt.date) -> Person:
    female = rng.random() < 0.5
    name = " ".join(
        [
            rng.choice(FAMILY),
            rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE),
            rng.choice(GIVEN_FEMALE if female else GIVEN_MALE),
        ]
    ).replace("K' ", "K'")
    if pupil:  # full 18 at the cell resolution, counted in months (Quy định 294-QĐ/TW, mục 1.1.1)
        birth = dt.date(reference.year - 18, rng.randint(1, max(1, reference.month - 2)), rng.randint(1, 28))
        occupation = "Học sinh lớp 12"
    else:
        birth = dt.date(rng.randint(1985, 2004), rng.randint(1, 12), rng.randint(1, 28))
        occupation = rng.choice(OCCUPATIONS)
    return Person(name, "female" if female else "male", birth, occupation)


def _cells_of(unit: Organization) -> list[Organization]:
    if unit.kind.is_cell:
        return [unit]
    return list(Organization.objects.filter(path__startswith=unit.path, kind__is_cell=True).order_by("path"))


def _step_values(code: str, day: dt.date, number: int, body: str) -> dict:
    if code == "outstanding":
        return {"outstanding_on": day, "helper_name": "Nguyễn Văn Hòa", "helper_cell": "Chi bộ"}
    if code == "trained":
        return {"awareness_cert_number": f"{number:03d}/GCN-TTCT", "awareness_cert_on": day}
    if code == "dossier":
        return {"dossier_on": day, "history_on": day, "verification_sent_on": day}
    if code == "cell_resolution":
        return {
            "cell_resolution_number": f"{number:02d}-NQ/CB",
            "cell_resolution_on": day,
            "cell_votes_for": 11,
            "cell_members_counted": 12,
        }
    if code == "base_resolution":
        return {
            "base_resolution_number": f"{number:02d}-NQ/ĐU",
            "base_resolution_on": day,
            "base_votes_for": 9,
            "base_members_counted": 11,
        }
    if code == "admission":
        return {
            "decision_number": f"{number:03d}-QĐ/HU",
            "decision_on": day,
            "decision_body": body,
            "decision_votes_for": 9,
            "decision_members_counted": 11,
        }
    if code == "ceremony":
        return {"ceremony_on": day}
    if code == "new_member_certificate":
        return {"new_member_cert_number": f"{number:03d}/ĐVM", "new_member_cert_on": day}
    return {
        "recognition_cell_resolution_on": day,
        "recognition_votes_for": 10,
        "recognition_members_counted": 12,
        "recognition_number": f"{number:03d}-QĐ/HU",
        "recognition_on": day,
        "recognition_body": body,
    }


# Days from one step to the next (dossier to cell resolution stays well inside 12 months, decision inside 45
# working days of the cell resolution, ceremony inside 30 working days of the decision).
GAPS = {
    "trained": 40,
    "dossier": 30,
    "cell_resolution": 60,
    "base_resolution": 10,
    "admission": 21,
    "ceremony": 14,
    "new_member_certificate": 75,
}


def _schedule(
    admitted_on: dt.date | None, start: dt.date, last_step: str, jitter: random.Random | None = None
) -> list[tuple[str, dt.date]]:
    """The dates of the steps up to `last_step`; built backwards from the admission date when there is one."""
    steps = STEPS[: STEPS.index(last_step) + 1]
    dates: dict[str, dt.date] = {}
    if admitted_on is not None:
        dates["admission"] = admitted_on
        for code in reversed(STEPS[: STEPS.index("admission")]):
            following = STEPS[STEPS.index(code) + 1]
            spread = jitter.randint(0, 12) if jitter else 0
            dates[code] = dates[following] - dt.timedelta(days=GAPS[following] + spread)
        day = admitted_on
        for code in STEPS[STEPS.index("admission") + 1 :]:
            if code == "recognition":
                ceremony = dates["ceremony"]
                end = ceremony.replace(year=ceremony.year + 1) - dt.timedelta(days=1)
                dates[code] = end + dt.timedelta(days=15)
            else:
                day = day + dt.timedelta(days=GAPS[code])
                dates[code] = day
    else:
        day = start
        for code in steps:
            if code != "outstanding":
                day = day + dt.timedelta(days=GAPS[code])
            dates[code] = day
    return [(code, dates[code]) for code in steps]


class _Builder:
    def __init__(self, *, actor, today: dt.date, rng: random.Random, body: str):
        self.actor = actor
        self.today = today
        self.rng = rng
        self.body = body
        self.number = 0
        self.pupils = Category.objects.get(tenant__isnull=True, code="hoc-sinh")
        self.women = Category.objects.get(tenant__isnull=True, code="nu")
        self.youth = Category.objects.get(tenant__isnull=True, code="doan-vien")

    def candidate(self, cell: Organization, *, pupil: bool, admitted_on=None, start=None, last_step="recognition"):
        plan = _schedule(admitted_on, start, last_step, self.rng)
        plan = [(code, day) for code, day in plan if day <= self.today]
        first_day = plan[0][1] if plan else (start or self.today)
        listed = first_day - dt.timedelta(days=30)
        person = _person(self.rng, pupil=pupil, reference=dict(plan).get("cell_resolution", self.today))
        categories = [self.pupils] if pupil else []
        if person.sex == "female":
            categories.append(self.women)
        if self.rng.random() < 0.6:
            categories.append(self.youth)
        candidate = candidate_services.candidate_create(
            actor=self.actor,
            organization=cell,
            categories=categories,
            listed_on=listed,
            full_name=person.name,
            sex=person.sex,
            birth_date=person.birth,
            education="upper_secondary",
            occupation=person.occupation,
            workplace=cell.name,
            ethnicity="Kinh" if self.rng.random() < 0.7 else "Cơ Ho",
            religion="Không" if self.rng.random() < 0.8 else "Công giáo",
        )
        for index, name in enumerate(("Trần Văn Tâm", "Lê Thị Hồng")):
            candidate_services.candidate_person_add(
                actor=self.actor,
                candidate=candidate,
                role=CandidatePerson.Role.INTRODUCER,
                full_name=name,
                cell_name=cell.name,
                together_since=listed - dt.timedelta(days=400 + index),
            )
        for code, day in plan:
            self.number += 1
            candidate.refresh_from_db()
            candidate_services.candidate_advance(
                actor=self.actor,
                candidate=candidate,
                step_code=code,
                values=_step_values(code, day, self.number, self.body),
                today=self.today,
            )
        return candidate


def _quota(text: str) -> tuple[int, int]:
    match = re.match(r"(\d+)(?: \((\d+) HS\))?", text)
    return int(match.group(1)), int(match.group(2) or 0)


@transaction.atomic
def activity_load(*, today: dt.date | None = None) -> list[str]:
    """Load the demo plans and candidates; returns what was done, in Vietnamese, for the command to print."""
    district = Organization.objects.filter(code="DONDUONG", depth=2).select_related("kind").first()
    if district is None:
        return ["Chưa có cây tổ chức mẫu của Lâm Đồng: bỏ qua kế hoạch và quần chúng mẫu."]
    if Plan.objects.filter(issuer=district).exists():
        return ["Đã có kế hoạch mẫu của Huyện ủy Đơn Dương: bỏ qua."]
    today = today or dt.date.today()
    User = get_user_model()
    staff = User.objects.get(username="ld_vanphong")
    admissions = Metric.objects.get(tenant__isnull=True, code=Metric.ADMISSIONS)
    pupils = Category.objects.get(tenant__isnull=True, code="hoc-sinh")

    plan = planning_services.plan_create(
        actor=staff, issuer=district, kind=Plan.Kind.ANNUAL, start_year=2025, title="Phát triển đảng viên năm 2025"
    )
    planning_services.plan_update(
        actor=staff,
        plan=plan,
        legal_bases=SEED_002_BASES,
        preamble_closing="Ban Thường vụ Huyện ủy xây dựng kế hoạch phát triển đảng viên năm 2025 như sau:",
        recipients=SEED_002_RECIPIENTS,
        signer_title="Phó Bí thư",
        signer_name="Đinh Thị Mai",
        place="Đơn Dương",
        annex_note=(
            "Lưu ý:\n- Chỉ tiêu phát triển đảng viên là học sinh tại các Chi bộ Trường Trung học phổ thông được "
            "thực hiện theo Hướng dẫn số 14-HD/BTCTU, ngày 10/11/2023 của Ban Tổ chức Tỉnh ủy và Kế hoạch "
            "122-KH/HU, ngày 30/11/2023 của Ban Thường vụ Huyện ủy (sao gửi kèm).\n- Các Tổ chức cơ sở Đảng còn lại "
            "căn cứ tình hình thực tế của cơ quan, đơn vị xây dựng kế hoạch phát triển đảng viên mới năm 2025."
        ),
    )
    planning_services.plan_sections_save(
        actor=staff, plan=plan, sections=[{"heading": h, "body": b} for h, b in SEED_002_SECTIONS]
    )
    planning_services.target_add(
        actor=staff, plan=plan, metric=admissions, kind=Target.Kind.MINIMUM, low=88, note="Có phân bổ chi tiết kèm theo"
    )
    planning_services.allocation_column_add(actor=staff, plan=plan, metric=admissions, category=pupils)
    units = list(
        Organization.objects.filter(path__startswith=district.path, depth=district.depth + 1)
        .select_related("kind")
        .order_by("path")
    )
    by_name = {u.name: u for u in units}
    total_key, pupils_key = column_key_of(admissions), column_key_of(admissions, pupils)
    rows = []
    for name, text in DON_DUONG_BASE_ORGANIZATIONS:
        quota, pupil_quota = _quota(text)
        rows.append(
            planning_services.AllocationRow(
                organization_id=by_name[name].pk, values={total_key: quota, pupils_key: pupil_quota or None}
            )
        )
    planning_services.allocations_save(actor=staff, plan=plan, rows=rows)
    planning_services.plan_issue(actor=staff, plan=plan, issued_on=dt.date(2025, 1, 15), number=12)

    rng = random.Random(2025)
    builder = _Builder(actor=staff, today=today, rng=rng, body="Ban Thường vụ Huyện ủy Đơn Dương")
    created = 0
    for (name, text), share in zip(DON_DUONG_BASE_ORGANIZATIONS, SHARE_2025, strict=True):
        unit = by_name[name]
        cells = _cells_of(unit)
        quota, pupil_quota = _quota(text)
        admitted = round(quota * share)
        for index in range(admitted):
            day = dt.date(2025, 1, 20) + dt.timedelta(days=rng.randint(0, 330))
            pupil = index < pupil_quota + (1 if share > 1 and pupil_quota else 0)
            builder.candidate(cells[index % len(cells)], pupil=pupil, admitted_on=day)
            created += 1
        for index in range(max(1, round(quota * 0.6))):  # last year, for the month-by-month comparison
            day = dt.date(2024, 2, 1) + dt.timedelta(days=rng.randint(0, 320))
            builder.candidate(cells[(index + 1) % len(cells)], pupil=False, admitted_on=day)
            created += 1
        for index in range(4):  # the pipeline now: people at each stage before the decision
            last = ["outstanding", "trained", "dossier", "cell_resolution"][index]
            start = today - dt.timedelta(days=40 * (index + 1) + rng.randint(0, 20))
            if last == "cell_resolution":
                start = today - dt.timedelta(days=200)
            builder.candidate(cells[(index + 2) % len(cells)], pupil=False, start=start, last_step=last)
            created += 1
    # The demo cell secretary's own cell: a full pipeline, with a decision coming due and one overdue.
    secretary_cell = Organization.objects.get(role_assignments__user__username="ld_bithu")
    for last, days_ago in (
        ("outstanding", 20),
        ("trained", 60),
        ("trained", 120),
        ("dossier", 150),
        ("cell_resolution", 175),
        ("cell_resolution", 240),
        ("ceremony", 200),
    ):
        builder.candidate(secretary_cell, pupil=False, start=today - dt.timedelta(days=days_ago), last_step=last)
        created += 1
    builder.candidate(secretary_cell, pupil=False, start=today + dt.timedelta(days=1), last_step="outstanding")
    created += 1
    return [
        f"Đã nạp kế hoạch số {plan.number_text} của Huyện ủy Đơn Dương (15 tổ chức cơ sở, 91 chỉ tiêu).",
        f"Đã nạp {created} quần chúng mẫu với các bước kết nạp năm 2024, 2025 và đang xét.",
    ]
