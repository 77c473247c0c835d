"""Quota against results over a subtree: the one selector behind the dashboard page, its Excel export and the
printed progress report (so the three always show the same figures).

A dashboard for node N and period P is a fixed number of SQL statements whatever the size of N's subtree:
events are grouped by the path prefix of N's children (events and candidates carry a copy of their cell's
path), allocations are read for N's plan, and the rest is arithmetic in Python over one row per child.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.http import Http404

from candidates.models import Candidate, CandidateEvent, TrainingClass
from candidates.stages import EventKind, Stage
from organizations.access import Action, access_for
from organizations.models import Category, Organization
from planning.models import Allocation, AllocationColumn, Exemption, Metric, Plan

# What each plan metric counts. Classes are counted from the training classes the subtree ran.
METRIC_EVENTS = {
    Metric.ADMISSIONS: EventKind.ADMISSION,
    "nhan-thuc-hoc-vien": EventKind.TRAINED,
    "dang-vien-moi-hoc-vien": EventKind.NEW_MEMBER_CERTIFICATE,
}
METRIC_CLASSES = {"nhan-thuc-lop": TrainingClass.Kind.AWARENESS, "dang-vien-moi-lop": TrainingClass.Kind.NEW_MEMBER}
# Candidates who could still be admitted in the period: the cell or the base committee has proposed them.
LATE_STAGES = (Stage.CELL_PROPOSED, Stage.BASE_PROPOSED)
RECOGNITION_KEY = "cong-nhan"


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def percent(achieved: int, quota: int | None) -> Decimal | None:
    if not quota:
        return None
    return (Decimal(achieved) * 100 / Decimal(quota)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Column:
    key: str
    label: str
    metric_code: str | None
    category: Category | None = None
    has_quota: bool = True

    @property
    def event_kind(self) -> str | None:
        if self.key == RECOGNITION_KEY:
            return EventKind.RECOGNITION
        return METRIC_EVENTS.get(self.metric_code)

    @property
    def class_kind(self) -> str | None:
        return METRIC_CLASSES.get(self.metric_code)


@dataclass
class Cell:
    quota: int | None
    achieved: int
    has_quota: bool = True

    @property
    def remaining(self) -> int | None:
        return None if self.quota is None else max(self.quota - self.achieved, 0)

    @property
    def percent(self) -> Decimal | None:
        return percent(self.achieved, self.quota)


@dataclass
class Row:
    organization: Organization | None
    label: str
    cells: dict[str, Cell]
    pipeline: int = 0
    exempt_reason: str | None = None
    behind: bool = False
    has_children: bool = False

    def cell(self, key: str) -> Cell:
        return self.cells[key]

    @property
    def ordered(self) -> list[Cell]:
        """The cells in column order (the columns' order is the dict's insertion order)."""
        return list(self.cells.values())

    @property
    def main(self) -> Cell:
        return next(iter(self.cells.values()))

    @property
    def pipeline_covers(self) -> bool | None:
        remaining = self.main.remaining
        return None if remaining is None else self.pipeline >= remaining


@dataclass
class QuotaProgress:
    organization: Organization
    plan: Plan | None
    year: int
    start: dt.date
    end: dt.date
    columns: list[Column]
    rows: list[Row]
    total: Row
    own_row: Row | None = None
    elapsed: Decimal = Decimal(0)
    plans: list[Plan] = field(default_factory=list)
    period_name: str = "cả năm"

    @property
    def period_label(self) -> str:
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"

    @property
    def footer_rows(self) -> list[Row]:
        return [self.own_row, self.total] if self.own_row is not None else [self.total]

    def chart(self) -> dict:
        """Achieved against quota for the first column, one bar pair per organization (figures: the table)."""
        key = self.columns[0].key
        return {
            "type": "hbar",
            "labels": [row.label for row in self.rows],
            "series": [
                {"label": "Đã đạt", "values": [row.cells[key].achieved for row in self.rows]},
                {"label": "Chỉ tiêu", "values": [row.cells[key].quota or 0 for row in self.rows]},
            ],
        }


def year_choices(today: dt.date | None = None) -> list[int]:
    today = today or dt.date.today()
    return list(range(today.year + 1, today.year - 5, -1))


def _period(year: int, plan: Plan | None) -> tuple[dt.date, dt.date]:
    if plan is not None and plan.kind != Plan.Kind.ANNUAL and not (plan.start_year <= year <= plan.end_year):
        year = plan.start_year
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _elapsed(start: dt.date, end: dt.date, today: dt.date) -> Decimal:
    if today <= start:
        return Decimal(0)
    if today >= end:
        return Decimal(1)
    return Decimal((today - start).days + 1) / Decimal((end - start).days + 1)


def _columns(plan: Plan | None, year: int) -> list[Column]:
    """The plan's allocation columns for `year` (a column without a year applies to every year), else defaults."""
    columns: list[Column] = []
    if plan is not None:
        for c in (
            AllocationColumn.objects.filter(plan=plan).select_related("metric", "category").order_by("order", "id")
        ):
            if c.year not in (None, year):
                continue
            code = c.metric.code
            key = f"{code}:{c.category.code}" if c.category else code
            if any(col.key == key for col in columns):
                continue
            label = c.metric.label + (f" ({c.category.abbreviation or c.category.name})" if c.category else "")
            columns.append(Column(key, label, code, c.category))
    if not columns:
        columns.append(Column(Metric.ADMISSIONS, "Kết nạp", Metric.ADMISSIONS, has_quota=plan is not None))
    if not any(c.metric_code == "nhan-thuc-hoc-vien" for c in columns):
        columns.append(Column("nhan-thuc-hoc-vien", "Học nhận thức", "nhan-thuc-hoc-vien", has_quota=False))
    columns.append(Column(RECOGNITION_KEY, "Công nhận chính thức", None, has_quota=False))
    return columns


def default_year(*, organization: Organization, today: dt.date) -> int:
    """This year, unless the organization has no plan for it yet: then the year of its latest plan (in January
    the board still reads last year's results)."""
    plans = Plan.objects.filter(issuer=organization).exclude(status=Plan.Status.SUPERSEDED)
    if plans.filter(start_year__lte=today.year, end_year__gte=today.year).exists():
        return today.year
    latest = plans.order_by("-end_year").values_list("end_year", flat=True).first()
    return min(latest, today.year) if latest else today.year


def plan_for(*, organization: Organization, year: int, plan_id=None) -> Plan | None:
    """The plan a dashboard of `organization` measures against: the one asked for if the organization issued it,
    else the organization's issued (or, failing that, draft) plan covering `year`."""
    plans = Plan.objects.filter(issuer=organization).exclude(status=Plan.Status.SUPERSEDED)
    if plan_id:
        chosen = plans.filter(pk=plan_id).first()
        if chosen is not None:
            return chosen
    covering = plans.filter(start_year__lte=year, end_year__gte=year)
    return (
        covering.filter(status=Plan.Status.ISSUED).order_by("kind", "-version").first()
        or covering.order_by("kind", "-version").first()
    )


PERIODS = {
    "nam": ("cả năm", (1, 1), (12, 31)),
    "6-thang-dau": ("6 tháng đầu năm", (1, 1), (6, 30)),
    "6-thang-cuoi": ("6 tháng cuối năm", (7, 1), (12, 31)),
    "quy-1": ("quý I", (1, 1), (3, 31)),
    "quy-2": ("quý II", (4, 1), (6, 30)),
    "quy-3": ("quý III", (7, 1), (9, 30)),
    "quy-4": ("quý IV", (10, 1), (12, 31)),
}


def quota_progress(
    *,
    user,
    organization: Organization,
    year: int | None = None,
    plan_id=None,
    period: str = "nam",
    today: dt.date | None = None,
) -> QuotaProgress:
    """Quota and results for each organization directly below `organization` and for the whole subtree.

    Visibility: `organization` must be in the user's view scope (404 outside, through access.require); every
    figure is of its subtree only. Achieved = counted events dated in the period (admission decisions, awareness
    certificates, recognitions), never current stages. Totals are over the whole subtree, grandchildren included.
    """
    access_for(user).require(Action.VIEW, organization)
    return quota_progress_of(organization=organization, year=year, plan_id=plan_id, period=period, today=today)


def quota_progress_of(
    *, organization: Organization, year: int | None, plan_id=None, period: str = "nam", today: dt.date | None = None
) -> QuotaProgress:
    """The figures of quota_progress without a user: for the printed report built in a worker, after the request
    was checked (reports.services.document_request requires the right to print documents of the organization)."""
    today = today or dt.date.today()
    year = year or default_year(organization=organization, today=today)
    plan = plan_for(organization=organization, year=year, plan_id=plan_id)
    start, end = _period(year, plan)
    year = start.year
    label, (first_month, first_day), (last_month, last_day) = PERIODS.get(period, PERIODS["nam"])
    start, end = dt.date(year, first_month, first_day), dt.date(year, last_month, last_day)
    columns = _columns(plan, year)
    children = list(
        Organization.objects.filter(path__startswith=organization.path, depth=organization.depth + 1)
        .select_related("kind", "sector")
        .order_by("path")
    )
    width = len(organization.path) + Organization.steplen

    quotas: dict[int, dict[str, int]] = defaultdict(dict)
    exempt: dict[int, str] = {}
    if plan is not None:
        allocations = (
            Allocation.objects.filter(plan=plan)
            .filter(Q(year=year) | Q(year__isnull=True))
            .values_list("organization_id", "metric__code", "category__code", "year", "quantity")
        )
        for org_id, metric_code, category_code, alloc_year, quantity in allocations:
            key = f"{metric_code}:{category_code}" if category_code else metric_code
            if alloc_year is None and key in quotas[org_id]:
                continue  # a quota for this very year wins over "each year"
            quotas[org_id][key] = quantity
        exempt = dict(Exemption.objects.filter(plan=plan).values_list("organization_id", "reason"))

    # 1 statement: counted events of the period by child prefix and kind.
    kinds = sorted({c.event_kind for c in columns if c.event_kind})
    events = (
        CandidateEvent.objects.counted()
        .under_path(organization.path)
        .in_period(start, end)
        .filter(kind__in=kinds)
        .annotate(child=Substr("org_path", 1, width))
        .values_list("child", "kind")
        .annotate(n=Count("*"))
    )
    by_child_kind: dict[tuple[str, str], int] = {(child, kind): n for child, kind, n in events}

    # 1 statement: admissions of person categories (pupils, women ...) by child prefix.
    person_columns = [c for c in columns if c.category is not None and c.category.basis == Category.Basis.PERSON]
    by_child_category: dict[tuple[str, int, str], int] = {}
    if person_columns:
        rows = (
            CandidateEvent.objects.counted()
            .under_path(organization.path)
            .in_period(start, end)
            .filter(
                kind__in=sorted({c.event_kind for c in person_columns if c.event_kind}),
                candidate__categories__in=[c.category.pk for c in person_columns],
            )
            .annotate(child=Substr("org_path", 1, width))
            .values_list("child", "candidate__categories", "kind")
            .annotate(n=Count("*"))
        )
        by_child_category = {(child, cat, kind): n for child, cat, kind, n in rows}

    # 1 statement: candidates the cell or base committee has proposed (could still be admitted this period).
    pipeline_rows = (
        Candidate.objects.under_path(organization.path)
        .filter(stage__in=LATE_STAGES)
        .annotate(child=Substr("org_path", 1, width))
        .values_list("child")
        .annotate(n=Count("*"))
    )
    pipeline = dict(pipeline_rows)

    # 1 statement, only when the plan counts classes: classes started in the period by child prefix.
    class_counts: dict[tuple[str, str], int] = {}
    if any(c.class_kind for c in columns):
        rows = (
            TrainingClass.objects.filter(
                organization__path__startswith=organization.path, starts_on__gte=start, starts_on__lte=end
            )
            .annotate(child=Substr("organization__path", 1, width))
            .values_list("child", "kind")
            .annotate(n=Count("*"))
        )
        class_counts = {(child, kind): n for child, kind, n in rows}

    def achieved(prefix: str, column: Column) -> int:
        if column.class_kind:
            return class_counts.get((prefix, column.class_kind), 0)
        if column.category is not None:
            if column.category.basis == Category.Basis.PERSON:
                return by_child_category.get((prefix, column.category.pk, column.event_kind), 0)
            return 0  # sector columns are summed from the rows below
        return by_child_kind.get((prefix, column.event_kind), 0) if column.event_kind else 0

    # Share of the year gone by at the end of the period (or today): quotas are annual.
    elapsed = _elapsed(dt.date(year, 1, 1), dt.date(year, 12, 31), min(today, end))
    from_january = start == dt.date(year, 1, 1)
    rows: list[Row] = []
    for child in children:
        cells = {}
        for column in columns:
            quota = quotas.get(child.pk, {}).get(column.key) if column.has_quota else None
            if column.category is not None and column.category.basis == Category.Basis.SECTOR:
                value = achieved(child.path, Column(column.metric_code, "", column.metric_code))
                value = value if child.sector_id == column.category.sector_id else 0
            else:
                value = achieved(child.path, column)
            cells[column.key] = Cell(quota, value, column.has_quota)
        row = Row(child, child.name, cells, pipeline.get(child.path, 0), exempt.get(child.pk))
        row.has_children = child.numchild > 0
        main = row.main
        # Behind for the time of year: below three quarters of the pro-rata share of the quota.
        row.behind = (
            from_january
            and bool(main.quota)
            and Decimal(main.achieved) < Decimal(main.quota) * elapsed * Decimal("0.75")
        )
        rows.append(row)

    # The node's own events (a cell dashboard, or events recorded at a committee itself).
    own_cells = {c.key: Cell(None, achieved(organization.path, c), c.has_quota) for c in columns}
    own_row = None
    if any(cell.achieved for cell in own_cells.values()) or pipeline.get(organization.path):
        own_row = Row(organization, f"Trực tiếp tại {organization.name}", own_cells, pipeline.get(organization.path, 0))

    total_cells = {}
    for column in columns:
        quota_values = [r.cells[column.key].quota for r in rows if r.cells[column.key].quota is not None]
        value = sum(r.cells[column.key].achieved for r in rows) + (own_cells[column.key].achieved)
        total_cells[column.key] = Cell(sum(quota_values) if quota_values else None, value, column.has_quota)
    total = Row(organization, "Tổng cộng toàn đảng bộ", total_cells, sum(pipeline.values()))
    plans = list(
        Plan.objects.filter(issuer=organization).exclude(status=Plan.Status.SUPERSEDED).order_by("-start_year", "-id")
    )
    progress = QuotaProgress(organization, plan, year, start, end, columns, rows, total, own_row, elapsed, plans)
    progress.period_name = label
    return progress


def organization_for_dashboard(*, user, pk) -> Organization:
    try:
        return access_for(user).get_organization(pk)
    except Organization.DoesNotExist as exc:  # pragma: no cover - get_organization raises Http404 itself
        raise Http404 from exc


# --- funnel and flow ----------------------------------------------------------------------------------------------

MONTHS = list(range(1, 13))


@dataclass
class StageDuration:
    stage: str
    label: str
    median_days: float | None
    count: int


@dataclass
class Flow:
    organization: Organization
    year: int
    stage_counts: list[tuple[str, str, int]]
    admissions_by_month: list[tuple[int, int, int]]  # month, this year, last year
    durations: list[StageDuration]
    slowest: list[tuple[Organization, float, int]]  # child, average days cell resolution -> decision, admissions
    exits: list[tuple[str, str, int]]

    def charts(self) -> dict:
        return {
            "funnel": {
                "type": "hbar",
                "labels": [label for _, label, _ in self.stage_counts],
                "series": [{"label": "Số người", "values": [n for _, _, n in self.stage_counts]}],
            },
            "monthly": {
                "type": "bar",
                "labels": [f"T{month}" for month, _, _ in self.admissions_by_month],
                "series": [
                    {"label": f"Năm {self.year}", "values": [n for _, n, _ in self.admissions_by_month]},
                    {"label": f"Năm {self.year - 1}", "values": [n for _, _, n in self.admissions_by_month]},
                ],
            },
        }


# Time spent in a stage = from the event that entered it to the event that left it.
STAGE_ENTRY = [
    (Stage.OUTSTANDING, EventKind.OUTSTANDING, (EventKind.TRAINED,)),
    (Stage.TRAINED, EventKind.TRAINED, (EventKind.DOSSIER,)),
    (Stage.DOSSIER, EventKind.DOSSIER, (EventKind.CELL_RESOLUTION,)),
    (Stage.CELL_PROPOSED, EventKind.CELL_RESOLUTION, (EventKind.BASE_RESOLUTION, EventKind.ADMISSION)),
    (Stage.BASE_PROPOSED, EventKind.BASE_RESOLUTION, (EventKind.ADMISSION,)),
    (Stage.ADMITTED, EventKind.ADMISSION, (EventKind.CEREMONY,)),
    (Stage.PROBATION, EventKind.CEREMONY, (EventKind.RECOGNITION,)),
]


def _median(values: list[int]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return float(ordered[middle]) if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def flow(*, user, organization: Organization, year: int | None = None, today: dt.date | None = None) -> Flow:
    """Counts per stage now, admissions per month this year against last year, time spent in each stage
    (median over the steps completed in the year), the slowest organizations below and exits by reason.

    Visibility: `organization` in the user's view scope; figures of its subtree only. Fixed number of statements.
    """
    access_for(user).require(Action.VIEW, organization)
    today = today or dt.date.today()
    year = year or today.year
    path = organization.path
    width = len(path) + Organization.steplen

    stage_rows = dict(Candidate.objects.under_path(path).values_list("stage").annotate(n=Count("*")))
    stage_counts = [(stage.value, stage.label, stage_rows.get(stage.value, 0)) for stage in Stage]

    monthly = (
        CandidateEvent.objects.counted()
        .under_path(path)
        .in_period(dt.date(year - 1, 1, 1), dt.date(year, 12, 31))
        .filter(kind=EventKind.ADMISSION)
        .values_list("event_date__year", "event_date__month")
        .annotate(n=Count("*"))
    )
    per_month = {(y, m): n for y, m, n in monthly}
    admissions_by_month = [(m, per_month.get((year, m), 0), per_month.get((year - 1, m), 0)) for m in MONTHS]

    # The steps completed in the year, with the candidate's earlier steps: one statement, paired in Python.
    leaving = {kind for _, _, kinds in STAGE_ENTRY for kind in kinds}
    entering = {kind for _, kind, _ in STAGE_ENTRY}
    step_rows = (
        CandidateEvent.objects.counted()
        .under_path(path)
        .filter(kind__in=sorted(leaving | entering), event_date__lte=dt.date(year, 12, 31))
        .filter(
            candidate__in=CandidateEvent.objects.counted()
            .under_path(path)
            .in_period(dt.date(year, 1, 1), dt.date(year, 12, 31))
            .filter(kind__in=sorted(leaving))
            .values("candidate_id")
        )
        .values_list("candidate_id", "kind", "event_date", "org_path")
        .order_by("candidate_id", "event_date", "id")
    )
    dates: dict[int, dict[str, dt.date]] = defaultdict(dict)
    child_of: dict[int, str] = {}
    for candidate_id, kind, event_date, org_path in step_rows:
        dates[candidate_id].setdefault(kind, event_date)
        child_of[candidate_id] = org_path[:width]
    spans: dict[str, list[int]] = defaultdict(list)
    decision_days: dict[str, list[int]] = defaultdict(list)
    for candidate_id, kinds in dates.items():
        for stage, enter_kind, leave_kinds in STAGE_ENTRY:
            entered = kinds.get(enter_kind)
            left = min((kinds[k] for k in leave_kinds if k in kinds), default=None)
            if entered and left and left >= entered and left.year == year:
                spans[stage].append((left - entered).days)
        resolution, admission = kinds.get(EventKind.CELL_RESOLUTION), kinds.get(EventKind.ADMISSION)
        if resolution and admission and admission.year == year and admission >= resolution:
            decision_days[child_of[candidate_id]].append((admission - resolution).days)
    durations = [
        StageDuration(stage.value, stage.label, _median(spans.get(stage, [])), len(spans.get(stage, [])))
        for stage, _, _ in STAGE_ENTRY
    ]
    children = {
        o.path: o
        for o in Organization.objects.filter(path__startswith=path, depth=organization.depth + 1).only(
            "id", "name", "path", "numchild"
        )
    }
    slowest = sorted(
        (
            (children[prefix], round(sum(days) / len(days), 1), len(days))
            for prefix, days in decision_days.items()
            if prefix in children
        ),
        key=lambda item: -item[1],
    )[:10]

    exit_rows = (
        CandidateEvent.objects.counted()
        .under_path(path)
        .in_period(dt.date(year, 1, 1), dt.date(year, 12, 31))
        .filter(kind__in=[EventKind.DROPPED, EventKind.REMOVED, EventKind.CANCELLED])
        .values_list("kind", "candidate__exit_reason")
        .annotate(n=Count("*"))
    )
    from candidates.stages import ExitReason

    kind_labels = dict(EventKind.choices)
    reason_labels = dict(ExitReason.choices)
    exits = [
        (kind_labels.get(kind, kind), reason_labels.get(reason, "Không ghi lý do") if reason else "Không ghi lý do", n)
        for kind, reason, n in exit_rows
    ]
    return Flow(organization, year, stage_counts, admissions_by_month, durations, slowest, exits)


def _attach_parent_names(organizations: list[Organization]) -> None:
    """Cells are named alike ("Chi bộ Quân sự xã"): show each with its parent's name (one statement)."""
    parent_paths = {o.path[: -Organization.steplen] for o in organizations}
    names = dict(Organization.objects.filter(path__in=parent_paths).values_list("path", "name"))
    for o in organizations:
        o.parent_name = names.get(o.path[: -Organization.steplen], "")


# --- red flags ----------------------------------------------------------------------------------------------------


@dataclass
class Flags:
    organization: Organization
    behind: list[Row]
    idle_cells: list[Organization]
    idle_cell_count: int
    small_cells: list[Organization]
    small_cell_count: int
    overdue: list[tuple[Organization, dict[str, int], int]]
    expiring: list[Candidate]
    expiring_count: int


def red_flags(
    *, user, organization: Organization, progress: QuotaProgress, today: dt.date | None = None, limit: int = 50
) -> Flags:
    """Organizations behind their quota for the time of year (from `progress`, the same figures as the table);
    cells with no admission for 3 years or more (seed 002); cells under 10 members; overdue deadlines of the
    rules per organization below; awareness certificates expiring in the next 90 days (06-HD/TW, 5.4b).

    Visibility: `organization` in the user's view scope; lists are of its subtree only.
    """
    from django.db.models import Exists, OuterRef, Subquery

    from organizations.models import MemberCountSnapshot

    access_for(user).require(Action.VIEW, organization)
    today = today or dt.date.today()
    path = organization.path
    width = len(path) + Organization.steplen
    cells = Organization.objects.filter(path__startswith=path, kind__is_cell=True, valid_to__isnull=True)

    three_years_ago = years_before(today, 3)
    recent = CandidateEvent.objects.counted().filter(
        kind=EventKind.ADMISSION, organization=OuterRef("pk"), event_date__gt=three_years_ago
    )
    idle = cells.annotate(admitted=Exists(recent)).filter(admitted=False).order_by("path")
    idle_count = idle.count()

    latest = MemberCountSnapshot.objects.filter(organization=OuterRef("pk")).order_by("-as_of").values("members")[:1]
    small = cells.annotate(members=Subquery(latest)).filter(members__lt=10).order_by("members", "path")
    small_count = small.count()

    overdue_rows = (
        Candidate.objects.under_path(path)
        .filter(next_due_on__lt=today)
        .annotate(child=Substr("org_path", 1, width))
        .values_list("child", "next_due_kind")
        .annotate(n=Count("*"))
    )
    from candidates.selectors import DUE_LABELS

    per_child: dict[str, dict[str, int]] = defaultdict(dict)
    for child, kind, n in overdue_rows:
        label = DUE_LABELS.get(kind, "Việc khác")
        per_child[child][label] = per_child[child].get(label, 0) + n
    children = {
        o.path: o for o in Organization.objects.filter(path__in=list(per_child)).only("id", "name", "path", "numchild")
    }
    overdue = sorted(
        ((children[p], kinds, sum(kinds.values())) for p, kinds in per_child.items() if p in children),
        key=lambda item: -item[2],
    )

    soon = today + dt.timedelta(days=90)
    expiring = (
        Candidate.objects.under_path(path)
        .filter(stage__in=[Stage.TRAINED, Stage.DOSSIER], awareness_cert_on__isnull=False)
        .filter(
            awareness_cert_on__lte=soon.replace(year=soon.year - 5),
            awareness_cert_on__gt=today.replace(year=today.year - 5),
        )
        .select_related("organization")
        .order_by("awareness_cert_on")
    )
    idle_list, small_list = list(idle[:limit]), list(small[:limit])
    _attach_parent_names([*idle_list, *small_list])
    return Flags(
        organization,
        [row for row in progress.rows if row.behind],
        idle_list,
        idle_count,
        small_list,
        small_count,
        overdue[:limit],
        list(expiring[:limit]),
        expiring.count(),
    )
