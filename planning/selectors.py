"""Every read of planning that a page or a report needs, scoped through organizations.access.

Visibility of a plan (decided here, with access.py deciding the scope):
- a plan issued inside the user's view scope is visible in full; editing it needs Action.EDIT_PLANS there;
- an issued (or superseded) plan of a committee *above* the user's scope is a plan they must implement: they read
  its text and targets, and of its allocations only those to organizations in their own scope ("limited");
- anything else, drafts above the scope included, is not found (404).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from organizations.access import Action, access_for
from organizations.models import Category, Organization

from .models import (
    Allocation,
    AllocationColumn,
    DocumentNumber,
    Exemption,
    Metric,
    Plan,
    PlanEvent,
    Proposal,
    ProposalRequest,
    Target,
    column_key,
    format_document_number,
    issuer_code_of,
)

PLAN_RELATED = (
    "issuer",
    "issuer__kind",
    "number",
    "parent_plan",
    "parent_plan__issuer",
    "parent_plan__number",
    "previous_version",
    "previous_version__number",
)


def _in_paths(path: str, paths: list[str]) -> bool:
    return any(path.startswith(p) for p in paths)


def plan_get(*, user, pk, action: Action = Action.VIEW, allow_limited: bool = True) -> Plan:
    """The plan `pk` as the user may see it (see the module docstring); `plan.limited` tells which way.

    404 when the plan is not visible; 403 when it is visible but `action` is not allowed on it.
    """
    access = access_for(user)
    try:
        plan = Plan.objects.select_related(*PLAN_RELATED).get(pk=pk)
    except (Plan.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("Không tìm thấy kế hoạch.") from exc
    if access.can(Action.VIEW, plan.issuer):
        access.require(action, plan.issuer)
        plan.limited = False
        return plan
    above_scope = any(p.startswith(plan.issuer.path) for p in access.paths(Action.VIEW))
    if above_scope and plan.status != Plan.Status.DRAFT:
        if action != Action.VIEW or not allow_limited:
            raise PermissionDenied("Kế hoạch của cấp trên: đồng chí chỉ được xem nội dung và chỉ tiêu được giao.")
        plan.limited = True
        return plan
    raise Http404("Không tìm thấy kế hoạch.")


def target_get(*, user, pk, action: Action = Action.EDIT_PLANS) -> Target:
    try:
        target = Target.objects.select_related("plan", "metric", "category").get(pk=pk)
    except (Target.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("Không tìm thấy chỉ tiêu.") from exc
    target.plan = plan_get(user=user, pk=target.plan_id, action=action, allow_limited=False)
    return target


def _plan_list_qs() -> QuerySet:
    return Plan.objects.select_related("issuer", "number", "parent_plan__number", "parent_plan__issuer")


@dataclass
class PlanLists:
    own: list[Plan]
    to_implement: list[Plan]
    lower: list[Plan]
    proposals_to_answer: list[Proposal]


def plans_of(*, user, organization: Organization, lower_limit: int = 100) -> PlanLists:
    """Plans of an organization, the issued plans of the committees above it (to implement), the plans of the
    organizations directly below it, and the proposal requests it has to answer. Constant queries."""
    access = access_for(user)
    access.require(Action.VIEW, organization)
    own = list(_plan_list_qs().filter(issuer=organization).order_by("-start_year", "-version", "-id"))
    ancestors = organization.ancestor_paths()
    to_implement = list(
        _plan_list_qs()
        .filter(issuer__path__in=ancestors, status=Plan.Status.ISSUED)
        .order_by("-start_year", "issuer__depth", "-id")
    )
    lower = list(
        _plan_list_qs()
        .filter(issuer__path__startswith=organization.path, issuer__depth=organization.depth + 1)
        .exclude(status=Plan.Status.SUPERSEDED)
        .order_by("-start_year", "issuer__path")[:lower_limit]
    )
    proposals = list(
        Proposal.objects.filter(
            organization=organization, request__closed_at__isnull=True, request__plan__status=Plan.Status.DRAFT
        )
        .select_related("request", "request__metric", "request__plan", "request__plan__issuer")
        .order_by("request__deadline")
    )
    return PlanLists(own=own, to_implement=to_implement, lower=lower, proposals_to_answer=proposals)


def parent_plan_choices(*, user, issuer: Organization) -> QuerySet:
    """Issued plans of the committees above `issuer` that a new plan of `issuer` may implement."""
    access_for(user).require(Action.VIEW, issuer)
    return (
        Plan.objects.filter(issuer__path__in=issuer.ancestor_paths(), status=Plan.Status.ISSUED)
        .select_related("issuer", "number")
        .order_by("-start_year", "-id")
    )


def copy_source_choices(*, user, issuer: Organization) -> QuerySet:
    """Earlier plans of the issuer a new plan may copy (drafts included, superseded versions not)."""
    access_for(user).require(Action.VIEW, issuer)
    return Plan.objects.filter(issuer=issuer).current().select_related("issuer", "number").order_by("-start_year")


def metrics_for(*, organization: Organization) -> QuerySet:
    return Metric.objects.for_tenant(organization.tenant_id)


def categories_for(*, organization: Organization) -> QuerySet:
    return Category.objects.for_tenant(organization.tenant_id)


def plan_targets(*, user, plan: Plan) -> list[Target]:
    """The plan's targets in order, with metric and category (one query); `plan` comes from plan_get."""
    _check_plan(user, plan)
    return list(plan.targets.select_related("metric", "category").order_by("order", "id"))


ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]


def plan_sections(*, user, plan: Plan) -> list:
    """The body in order; each section carries its Roman numeral (`numeral`) as the document prints it."""
    _check_plan(user, plan)
    sections = list(plan.sections.order_by("order", "id"))
    for index, section in enumerate(sections):
        section.numeral = ROMAN[index] if index < len(ROMAN) else str(index + 1)
    return sections


def _check_plan(user, plan: Plan) -> None:
    """Re-check that the plan object handed in is visible to the user (cheap: scope is cached per request)."""
    access = access_for(user)
    if access.can(Action.VIEW, plan.issuer):
        return
    if plan.status != Plan.Status.DRAFT and any(p.startswith(plan.issuer.path) for p in access.paths(Action.VIEW)):
        return
    raise Http404("Không tìm thấy kế hoạch.")


def plan_superior_name(*, plan: Plan) -> str:
    """The body above the issuer, printed first in the document's header ("ĐẢNG BỘ TỈNH LÂM ĐỒNG")."""
    parent_path = plan.issuer.path[: -Organization.steplen]
    if not parent_path:
        return ""
    return Organization.objects.filter(path=parent_path).values_list("name", flat=True).first() or ""


def document_number_preview(*, plan: Plan, on: dt.date | None = None) -> str:
    """The number the draft would get if issued on `on` (next free number of the committee's term)."""
    from .services import document_number_next

    if plan.number_id:
        return plan.number.text
    on = on or plan.issued_on or dt.date.today()
    number = document_number_next(issuer=plan.issuer, doc_type=Plan.DOC_TYPE, on=on)
    return format_document_number(number, Plan.DOC_TYPE, issuer_code_of(plan.issuer))


def document_numbers_of(*, user, organization: Organization, limit: int = 200) -> list[DocumentNumber]:
    access_for(user).require(Action.VIEW, organization)
    return list(DocumentNumber.objects.filter(issuer=organization).select_related("reserved_by")[:limit])


# --- quotas ------------------------------------------------------------------------------------------------------


@dataclass
class QuotaItem:
    """What a plan gives one organization for one metric/category/period: `low` (and `high` for a range)."""

    metric: Metric
    category: Category | None
    year: int | None
    each_year: bool
    low: int
    high: int | None = None
    source: str = "allocation"

    @property
    def metric_id(self) -> int:
        return self.metric.pk

    @property
    def category_id(self) -> int | None:
        return self.category.pk if self.category else None

    @property
    def text(self) -> str:
        figure = f"{self.low:02d}-{self.high:02d}" if self.high is not None else f"{self.low:02d}"
        return figure + (" mỗi năm" if self.each_year else (f" năm {self.year}" if self.year else ""))


@dataclass
class Quota:
    organization: Organization
    items: list[QuotaItem] = field(default_factory=list)
    exempt_reason: str | None = None


def quota_of(*, plan: Plan, organization: Organization) -> Quota:
    """What `plan` allocates to `organization` (no scope check; callers check). Explicit allocations win;
    otherwise a target for "each lower organization" / "each cell" applies, unless the organization is exempt.
    In a term plan an allocation without a year is a quota for each year (the seeds write "mỗi năm")."""
    exemption = Exemption.objects.filter(plan=plan, organization=organization).values_list("reason", flat=True).first()
    quota = Quota(organization=organization, exempt_reason=exemption)
    if exemption is not None:
        return quota
    per_year = plan.kind != Plan.Kind.ANNUAL
    for a in Allocation.objects.filter(plan=plan, organization=organization).select_related("metric", "category"):
        quota.items.append(QuotaItem(a.metric, a.category, a.year, per_year and a.year is None, a.quantity))
    taken = {(i.metric_id, i.category_id, i.year, i.each_year) for i in quota.items}
    is_child = organization.depth == plan.issuer.depth + 1 and organization.path.startswith(plan.issuer.path)
    is_cell = organization.kind.is_cell if organization.kind_id else False
    for t in plan.targets.exclude(scope=Target.Scope.WHOLE).select_related("metric", "category"):
        applies = (t.scope == Target.Scope.EACH_CHILD and is_child) or (t.scope == Target.Scope.EACH_CELL and is_cell)
        key = (t.metric_id, t.category_id, t.year, t.each_year)
        if applies and key not in taken and t.floor is not None:
            high = t.high if t.kind == Target.Kind.RANGE else None
            quota.items.append(QuotaItem(t.metric, t.category, t.year, t.each_year, t.floor, high, source="target"))
    return quota


def quota_for(*, user, plan: Plan, organization: Organization) -> Quota:
    """The quota a visible plan gives an organization of the user's scope (what a lower level starts from)."""
    access_for(user).require(Action.VIEW, organization)
    _check_plan(user, plan)
    return quota_of(plan=plan, organization=organization)


# --- the allocation grid -----------------------------------------------------------------------------------------


@dataclass
class GridColumn:
    key: str
    metric: Metric
    category: Category | None
    year: int | None
    label: str
    target: Target | None = None
    total: int = 0

    @property
    def is_total(self) -> bool:
        return self.category is None


@dataclass
class GridCell:
    column: GridColumn
    value: int | None
    raw: str | None = None  # what the user typed, shown again when a save is refused


@dataclass
class GridRow:
    organization: Organization
    values: dict[str, int]
    exempt_reason: str | None
    cells: list[GridCell] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class Grid:
    plan: Plan
    columns: list[GridColumn]
    rows: list[GridRow]


def _column_label(plan: Plan, metric: Metric, category: Category | None, year: int | None) -> str:
    label = metric.label
    if category is not None:
        label += f" (trong đó {category.abbreviation or category.name})"
    if year:
        label += f" {year}"
    elif plan.kind != Plan.Kind.ANNUAL:
        label += " mỗi năm"
    return label


def _matching_target(targets: list[Target], metric_id, category_id, year, per_year: bool) -> Target | None:
    for t in targets:
        if t.scope != Target.Scope.WHOLE or t.metric_id != metric_id or t.category_id != category_id:
            continue
        if year is not None and t.year == year:
            return t
        if year is None and t.year is None and (t.each_year or not per_year):
            return t
    return None


def _rows_organizations(plan: Plan, *, paths: list[str] | None = None) -> list[Organization]:
    """Rows of the grid: the active organizations directly below the issuer, plus any other organization that
    holds an allocation or exemption of the plan (one query)."""
    issuer = plan.issuer
    condition = Q(path__startswith=issuer.path, depth=issuer.depth + 1, valid_to__isnull=True)
    condition |= Q(pk__in=Allocation.objects.filter(plan=plan).values("organization_id"))
    condition |= Q(pk__in=Exemption.objects.filter(plan=plan).values("organization_id"))
    queryset = Organization.objects.filter(condition, tenant_id=plan.tenant_id)
    if paths is not None:
        scope = Q(pk__in=[])
        for p in paths:
            scope |= Q(path__startswith=p)
        queryset = queryset.filter(scope)
    return list(
        queryset.select_related("kind").only(
            "id", "name", "code", "path", "depth", "valid_to", "tenant_id", "kind__is_cell", "kind__name"
        )
    )


def allocation_grid(*, user, plan: Plan) -> Grid:
    """The allocation grid of a plan: columns, one row per organization, totals and the matching targets.

    A constant number of queries whatever the number of organizations (columns, rows, allocations,
    exemptions, targets). Only for users who see the plan in full (its issuer in their scope).
    """
    access_for(user).require(Action.VIEW, plan.issuer)
    return _grid(plan)


def _grid(plan: Plan, *, paths: list[str] | None = None) -> Grid:
    targets = list(plan.targets.all())
    per_year = plan.kind != Plan.Kind.ANNUAL
    columns = []
    for c in AllocationColumn.objects.filter(plan=plan).select_related("metric", "category").order_by("order", "id"):
        column = GridColumn(c.key, c.metric, c.category, c.year, _column_label(plan, c.metric, c.category, c.year))
        column.target = _matching_target(targets, c.metric_id, c.category_id, c.year, per_year)
        columns.append(column)
    organizations = _rows_organizations(plan, paths=paths)
    values: dict[int, dict[str, int]] = defaultdict(dict)
    for org_id, key, quantity in Allocation.objects.filter(plan=plan).values_list("organization_id", "key", "quantity"):
        values[org_id][key] = quantity
    exempt = dict(Exemption.objects.filter(plan=plan).values_list("organization_id", "reason"))
    known = {c.key for c in columns}
    rows = []
    by_key = {c.key: c for c in columns}
    for organization in organizations:
        row_values = values.get(organization.pk, {})
        row = GridRow(organization, row_values, exempt.get(organization.pk))
        row.cells = [GridCell(c, row_values.get(c.key)) for c in columns]
        for key, quantity in row_values.items():
            if key in by_key:
                by_key[key].total += quantity
        rows.append(row)
    missing = {k for r in rows for k in r.values} - known
    if missing:  # allocations in a column that is not (yet) a grid column: should not happen, but never hide them
        for key in sorted(missing):
            metric_id, category_id, year = (int(x) for x in key.split("-"))
            metric = Metric.objects.get(pk=metric_id)
            category = Category.objects.filter(pk=category_id).first() if category_id else None
            column = GridColumn(key, metric, category, year or None, _column_label(plan, metric, category, year))
            column.total = sum(r.values.get(key, 0) for r in rows)
            columns.append(column)
            for r in rows:
                r.cells.append(GridCell(column, r.values.get(key)))
    return Grid(plan=plan, columns=columns, rows=rows)


# --- allocations for reports and the annex -----------------------------------------------------------------------


@dataclass
class OrganizationAllocation:
    """Quotas of one organization in a plan, keyed (metric code, category code or None, year or None)."""

    organization: Organization
    quotas: dict[tuple[str, str | None, int | None], int]
    exempt_reason: str | None


def allocations_for_plan(*, user, plan: Plan) -> list[OrganizationAllocation]:
    """Per-organization quotas of a plan in tree order (constant queries). A user who reads a plan of a
    committee above their scope gets only the rows of organizations inside their scope."""
    _check_plan(user, plan)
    access = access_for(user)
    limited = not access.can(Action.VIEW, plan.issuer)
    return _allocations(plan, paths=access.paths(Action.VIEW) if limited else None)


def _allocations(plan: Plan, *, paths: list[str] | None) -> list[OrganizationAllocation]:
    grid = _grid(plan, paths=paths)
    result = []
    for row in grid.rows:
        quotas = {}
        for cell in row.cells:
            if cell.value is not None:
                c = cell.column
                quotas[(c.metric.code, c.category.code if c.category else None, c.year)] = cell.value
        if quotas or row.exempt_reason:
            result.append(OrganizationAllocation(row.organization, quotas, row.exempt_reason))
    return result


def quota_text(total: int | None, subs: list[tuple[int, str]]) -> str:
    """ "03 (01 HS)": the quota in two digits and, in brackets, the "of which" parts (seed 002's annex)."""
    parts = [f"{n:02d} {abbr}" for n, abbr in subs if n]
    text = f"{total:02d}" if total is not None else ""
    if parts:
        text = (text + " " if text else "") + "(" + ", ".join(parts) + ")"
    return text


@dataclass
class AnnexRow:
    stt: str
    organization: Organization | None
    name: str
    total: int | None
    subs: list[tuple[int, str]]
    exempt_reason: str | None

    @property
    def text(self) -> str:
        if self.exempt_reason is not None and self.total is None:
            return "Miễn"
        return quota_text(self.total, self.subs)


@dataclass
class Annex:
    title: str
    rows: list[AnnexRow]
    total: AnnexRow
    metric: Metric | None
    year: int | None


def annex_rows(*, user, plan: Plan, metric_code: str = Metric.ADMISSIONS, year: int | None = None) -> Annex:
    """The annex "PHÂN BỔ CHỈ TIÊU": STT, organization, quota text "03 (01 HS)", and the total row.

    Rows are organizations with a quota or an exemption for the metric, in tree order (constant queries)."""
    return _annex(plan, allocations_for_plan(user=user, plan=plan), metric_code=metric_code, year=year)


def plan_annex_for_print(*, plan: Plan, metric_code: str = Metric.ADMISSIONS, year: int | None = None) -> Annex:
    """The whole annex of the issuer's own plan, for the printed document built in a worker.

    No user here: the caller (reports.services.document_request) has checked, at request time, that the
    requester may print documents of the plan's issuer, and the issuer's own document lists all its rows."""
    return _annex(plan, _allocations(plan, paths=None), metric_code=metric_code, year=year)


def _annex(plan: Plan, grid_rows: list[OrganizationAllocation], *, metric_code: str, year: int | None) -> Annex:
    metric = Metric.objects.for_tenant(plan.tenant_id).filter(code=metric_code).order_by("tenant_id").first()
    abbreviations = {c.code: (c.abbreviation or c.name) for c in Category.objects.for_tenant(plan.tenant_id)}
    rows = []
    total_sum, sub_sums = 0, defaultdict(int)
    any_total = False
    for item in grid_rows:
        total = item.quotas.get((metric_code, None, year))
        subs = [
            (quantity, abbreviations.get(cat, cat))
            for (code, cat, y), quantity in item.quotas.items()
            if code == metric_code and cat is not None and y == year
        ]
        if total is None and not subs and item.exempt_reason is None:
            continue
        if total is not None:
            total_sum += total
            any_total = True
        for quantity, abbr in subs:
            sub_sums[abbr] += quantity
        rows.append(
            AnnexRow(f"{len(rows) + 1:02d}", item.organization, item.organization.name, total, subs, item.exempt_reason)
        )
    total_row = AnnexRow(
        "", None, "Tổng cộng", total_sum if any_total else None, sorted((n, a) for a, n in sub_sums.items()), None
    )
    period = (
        f"NĂM {year}"
        if year
        else (f"NĂM {plan.start_year}" if plan.kind == Plan.Kind.ANNUAL else f"{plan.period_label.upper()}")
    )
    title = f"PHÂN BỔ CHỈ TIÊU PHÁT TRIỂN ĐẢNG VIÊN {period}"
    return Annex(title=title, rows=rows, total=total_row, metric=metric, year=year)


# --- checks -----------------------------------------------------------------------------------------------------


@dataclass
class Check:
    level: str  # "warning" or "info"
    message: str


def _shortfalls(quota: Quota, targets: list[Target], *, per_year: bool) -> list[tuple[QuotaItem, Target | None]]:
    """Quota items that the given plan's own targets do not reach (target missing or below the quota)."""
    result = []
    for item in quota.items:
        target = _matching_target(targets, item.metric_id, item.category_id, item.year, per_year)
        if target is None and item.year is not None:
            target = _matching_target(targets, item.metric_id, item.category_id, None, per_year)
        if target is None or (target.floor is not None and target.floor < item.low):
            result.append((item, target))
    return result


def plan_checks(*, user, plan: Plan, grid: Grid | None = None) -> list[Check]:
    """Checks both ways, with the figures: allocations against the plan's targets, the plan against the quota
    its higher plan gives it, and the plans of lower organizations against the quotas given to them.
    Allocating more than the target is allowed (seed 002 allocates 91 against "88 or more")."""
    _check_plan(user, plan)
    access = access_for(user)
    checks: list[Check] = []
    if plan.limited if hasattr(plan, "limited") else not access.can(Action.VIEW, plan.issuer):
        return checks
    grid = grid if grid is not None else _grid(plan)
    per_year = plan.kind != Plan.Kind.ANNUAL
    for column in grid.columns:
        target = column.target
        allocated_any = any(row.values.get(column.key) is not None for row in grid.rows)
        if target is None or target.floor is None or not allocated_any:
            continue
        if column.total < target.floor:
            checks.append(
                Check(
                    "warning",
                    f"Tổng phân bổ “{column.label}” là {column.total:02d}, thấp hơn chỉ tiêu của kế hoạch "
                    f"({target.text}): còn thiếu {target.floor - column.total:02d}.",
                )
            )
        elif column.total > target.floor:
            checks.append(
                Check(
                    "info",
                    f"Tổng phân bổ “{column.label}” là {column.total:02d}, vượt chỉ tiêu của kế hoạch "
                    f"({target.text}) {column.total - target.floor:02d} (được phép).",
                )
            )
    totals = {(c.metric.pk, c.year): c.key for c in grid.columns if c.category is None}
    for row in grid.rows:
        if not row.organization.path.startswith(plan.issuer.path) or row.organization.pk == plan.issuer_id:
            checks.append(Check("warning", f"“{row.organization.name}” không còn là tổ chức cấp dưới của cấp ủy."))
        if row.organization.valid_to is not None:
            checks.append(Check("warning", f"“{row.organization.name}” đã giải thể hoặc sáp nhập."))
        if row.exempt_reason and any(row.values.values()):
            checks.append(Check("warning", f"“{row.organization.name}” được miễn chỉ tiêu nhưng vẫn có số phân bổ."))
        for column in grid.columns:
            if column.category is None or row.values.get(column.key) is None:
                continue
            total = row.values.get(totals.get((column.metric.pk, column.year), ""))
            if total is not None and row.values[column.key] > total:
                checks.append(
                    Check(
                        "warning",
                        f"“{row.organization.name}”: {column.label} là {row.values[column.key]:02d}, "
                        f"lớn hơn tổng chỉ tiêu {total:02d}.",
                    )
                )
    targets = list(plan.targets.select_related("metric", "category"))
    if plan.parent_plan_id:
        quota = quota_of(plan=plan.parent_plan, organization=plan.issuer)
        if quota.exempt_reason is not None:
            checks.append(Check("info", f"Cấp trên miễn chỉ tiêu cho {plan.issuer.name}: {quota.exempt_reason}."))
        for item, target in _shortfalls(quota, targets, per_year=per_year):
            what = _item_label(item)
            if target is None:
                checks.append(Check("warning", f"Chưa có chỉ tiêu {what}; cấp trên giao {item.text}."))
            else:
                checks.append(
                    Check(
                        "warning",
                        f"Chỉ tiêu {what} của kế hoạch ({target.text}) thấp hơn chỉ tiêu cấp trên giao ({item.text}).",
                    )
                )
    lower_plans = list(
        plan.implementing_plans.exclude(status=Plan.Status.SUPERSEDED)
        .select_related("issuer", "issuer__kind", "number")
        .prefetch_related("targets")
    )
    for lower in lower_plans:
        quota = quota_of(plan=plan, organization=lower.issuer)
        lower_per_year = lower.kind != Plan.Kind.ANNUAL
        for item, target in _shortfalls(quota, list(lower.targets.all()), per_year=lower_per_year):
            figure = target.text if target else "chưa có"
            checks.append(
                Check(
                    "warning",
                    f"Kế hoạch {lower.number_text} của {lower.issuer.name}: chỉ tiêu {_item_label(item)} "
                    f"({figure}) thấp hơn chỉ tiêu được giao ({item.text}).",
                )
            )
    return checks


def _item_label(item: QuotaItem) -> str:
    label = item.metric.label.lower()
    if item.category is not None:
        label += f" (trong đó {item.category.abbreviation or item.category.name})"
    return label


# --- history and proposals --------------------------------------------------------------------------------------


def plan_history(*, user, plan: Plan) -> list[PlanEvent]:
    """Events of the plan and of the versions it amends, newest first (only for users who see it in full)."""
    access_for(user).require(Action.VIEW, plan.issuer)
    ids = [plan.pk]
    previous = plan.previous_version_id
    while previous is not None and len(ids) < 50:
        ids.append(previous)
        previous = Plan.objects.filter(pk=previous).values_list("previous_version_id", flat=True).first()
    return list(
        PlanEvent.objects.filter(plan_id__in=ids).select_related("actor", "plan").order_by("-created_at", "-id")
    )


def proposal_requests_of(*, user, plan: Plan) -> list[ProposalRequest]:
    """Proposal rounds of a plan with every recipient's answer (who has and has not answered)."""
    access_for(user).require(Action.VIEW, plan.issuer)
    requests = list(
        plan.proposal_requests.select_related("metric").prefetch_related(
            "proposals__organization", "proposals__submitted_by"
        )
    )
    for request in requests:
        proposals = list(request.proposals.all())
        request.answered = [p for p in proposals if p.status != Proposal.Status.PENDING]
        request.waiting = [p for p in proposals if p.status == Proposal.Status.PENDING]
        request.undecided = [p for p in proposals if p.status == Proposal.Status.SUBMITTED]
    return requests


def proposal_get(*, user, pk, action: Action = Action.VIEW, as_committee: bool = False) -> Proposal:
    """A proposal, seen by its organization (`as_committee=False`) or by the committee that asked for it."""
    try:
        proposal = Proposal.objects.select_related(
            "organization", "organization__kind", "request", "request__metric", "request__plan", "request__plan__issuer"
        ).get(pk=pk)
    except (Proposal.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("Không tìm thấy đề xuất.") from exc
    access = access_for(user)
    scope_org = proposal.request.plan.issuer if as_committee else proposal.organization
    access.require(action, scope_org)
    return proposal


def proposal_request_get(*, user, pk, action: Action = Action.VIEW) -> ProposalRequest:
    try:
        request = ProposalRequest.objects.select_related("plan", "plan__issuer", "metric").get(pk=pk)
    except (ProposalRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("Không tìm thấy đợt đề xuất.") from exc
    access_for(user).require(action, request.plan.issuer)
    return request


def column_key_of(metric: Metric, category: Category | None = None, year: int | None = None) -> str:
    return column_key(metric.pk, category.pk if category else None, year)


def allocations_export(*, user, plan: Plan) -> bytes:
    """The allocation file of a plan (annex columns), formula-safe .xlsx; only for users who see it in full."""
    from organizations.spreadsheets import write_xlsx

    from .resources import AllocationResource

    grid = allocation_grid(user=user, plan=plan)
    return write_xlsx(AllocationResource(grid=grid).export_dataset(), title="Phân bổ chỉ tiêu")


def committee_terms_of(*, user, organization: Organization) -> list:
    from .models import CommitteeTerm

    access_for(user).require(Action.VIEW, organization)
    return list(CommitteeTerm.objects.filter(organization=organization).order_by("-start"))


def current_term_of(*, user, organization: Organization, on: dt.date | None = None):
    from .services import committee_term_for

    access_for(user).require(Action.VIEW, organization)
    return committee_term_for(organization=organization, on=on or dt.date.today())
