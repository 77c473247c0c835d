"""Every write of planning: keyword-only, one transaction, validation before save, a PlanEvent for each change.

Scope is decided by organizations.access only: editing a plan needs Action.EDIT_PLANS at its issuer;
answering a proposal needs it at the answering organization.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from config.errors import ApplicationError
from config.text import nfc
from organizations.access import Action, access_for
from organizations.models import Category, MemberCountSnapshot, Organization

from .defaults import SECTION_TEMPLATE, default_recipients
from .models import (
    Allocation,
    AllocationColumn,
    CommitteeTerm,
    DocumentNumber,
    Exemption,
    Metric,
    NumberSequence,
    Plan,
    PlanEvent,
    PlanSection,
    Proposal,
    ProposalRequest,
    Target,
    column_key,
    format_document_number,
    issuer_code_of,
    round_half_up,
)

DOC_TYPES = {
    "KH": "Kế hoạch",
    "CV": "Công văn",
    "BC": "Báo cáo",
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "CT": "Chỉ thị",
    "CTr": "Chương trình",
    "ĐA": "Đề án",
}


def _event(*, plan: Plan, actor, kind: str, summary: str, changes: list | None = None) -> PlanEvent:
    return PlanEvent.objects.create(
        plan=plan,
        actor=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        summary=summary[:400],
        changes=changes or [],
    )


def _require_edit(actor, plan: Plan) -> None:
    access_for(actor).require(Action.EDIT_PLANS, plan.issuer)


def _lock_draft(plan: Plan) -> Plan:
    locked = Plan.objects.select_for_update().select_related("issuer", "issuer__kind").get(pk=plan.pk)
    if locked.status != Plan.Status.DRAFT:
        raise ApplicationError("Kế hoạch đã ban hành nên không sửa được; hãy tạo bản sửa đổi (bản cũ được giữ nguyên).")
    return locked


def _show(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


# --- committee terms and document numbers -------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    start: dt.date
    end: dt.date | None
    name: str
    recorded: bool


def default_term(on: dt.date) -> Term:
    """Five-year terms from 1 July of 2020, 2025, 2030 ... (the congresses of 2020 and 2025 were mid-year).

    Used only when no term is recorded for the committee; a recorded term (CommitteeTerm) always wins.
    """
    first = 2020 + 5 * ((on.year - 2020) // 5)
    if on < dt.date(first, 7, 1):
        first -= 5
    return Term(dt.date(first, 7, 1), dt.date(first + 5, 6, 30), f"nhiệm kỳ {first}-{first + 5}", False)


def committee_term_for(*, organization: Organization, on: dt.date) -> Term:
    """The committee term of `organization` that contains `on` (recorded, or the default five-year term)."""
    recorded = (
        CommitteeTerm.objects.filter(organization=organization, start__lte=on)
        .order_by("-start")
        .values("start", "end", "name")
        .first()
    )
    if recorded and (recorded["end"] is None or recorded["end"] >= on):
        return Term(recorded["start"], recorded["end"], recorded["name"], True)
    term = default_term(on)
    following = (
        CommitteeTerm.objects.filter(organization=organization, start__gt=on).order_by("start").values("start").first()
    )
    if following and term.start < following["start"] <= (term.end or dt.date.max):
        # The recorded congress opened this cycle later than 1 July: the days before it belong to the last term.
        previous = default_term(term.start - dt.timedelta(days=1))
        return Term(previous.start, following["start"] - dt.timedelta(days=1), previous.name, False)
    return term


@transaction.atomic
def committee_term_record(
    *, actor, organization: Organization, name: str, start: dt.date, end: dt.date | None = None
) -> CommitteeTerm:
    """Record a committee term. Terms of one organization never overlap (numbering restarts in each)."""
    access_for(actor).require(Action.EDIT_PLANS, organization)
    name = nfc(name)
    if not name:
        raise ApplicationError("Hãy ghi tên nhiệm kỳ, ví dụ “nhiệm kỳ 2025-2030”.")
    if end is not None and end <= start:
        raise ApplicationError("Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu.")
    for other in CommitteeTerm.objects.filter(organization=organization):
        other_end = other.end or dt.date.max
        this_end = end or dt.date.max
        if other.start <= this_end and start <= other_end:
            raise ApplicationError(f"Nhiệm kỳ trùng thời gian với “{other.name}”.")
    term = CommitteeTerm.objects.create(organization=organization, name=name, start=start, end=end)
    from organizations.models import AuditEvent
    from organizations.services import audit

    audit(
        actor=actor,
        organization=organization,
        kind=AuditEvent.Kind.ORG_UPDATED,
        summary=f"Ghi {name} của “{organization.name}” từ {start:%d/%m/%Y}",
        data={"term": name, "start": start.isoformat(), "end": end.isoformat() if end else None},
    )
    return term


def document_number_next(*, issuer: Organization, doc_type: str, on: dt.date) -> int:
    """The number a new document of this type would get now (a proposal: nothing is reserved)."""
    term = committee_term_for(organization=issuer, on=on)
    last = (
        NumberSequence.objects.filter(issuer=issuer, doc_type=doc_type, term_start=term.start)
        .values_list("last_number", flat=True)
        .first()
    )
    used = DocumentNumber.objects.filter(issuer=issuer, doc_type=doc_type, term_start=term.start).aggregate(
        m=Max("number")
    )["m"]
    return max(last or 0, used or 0) + 1


@transaction.atomic
def document_number_reserve(
    *,
    issuer: Organization,
    doc_type: str,
    on: dt.date,
    actor=None,
    number: int | None = None,
    subject: str = "",
) -> DocumentNumber:
    """Reserve the next number (or `number`, if still free) of a document type for the issuer's current term.

    Invariant: a number is given once per (issuer, type, term) and never again, even if its document is
    abandoned; numbers restart at 01 in each committee term (Hướng dẫn 36-HD/VPTW). The sequence row is
    locked while reserving, so concurrent requests get different numbers. Reused by reports for CV and BC.
    """
    if doc_type not in DOC_TYPES:
        raise ApplicationError(f"Loại văn bản “{doc_type}” không hợp lệ.")
    if number is not None and number < 1:
        raise ApplicationError("Số văn bản phải từ 1 trở lên.")
    term = committee_term_for(organization=issuer, on=on)
    sequence, _ = NumberSequence.objects.get_or_create(issuer=issuer, doc_type=doc_type, term_start=term.start)
    sequence = NumberSequence.objects.select_for_update().get(pk=sequence.pk)
    used_max = DocumentNumber.objects.filter(issuer=issuer, doc_type=doc_type, term_start=term.start).aggregate(
        m=Max("number")
    )["m"]
    last = max(sequence.last_number, used_max or 0)
    code = issuer_code_of(issuer)
    if number is None:
        number = last + 1
    elif DocumentNumber.objects.filter(issuer=issuer, doc_type=doc_type, term_start=term.start, number=number).exists():
        text = format_document_number(number, doc_type, code)
        raise ApplicationError(f"Số {text} đã được dùng trong {term.name}; số văn bản không được dùng lại.")
    sequence.last_number = max(last, number)
    sequence.save(update_fields=["last_number"])
    try:
        with transaction.atomic():
            return DocumentNumber.objects.create(
                issuer=issuer,
                doc_type=doc_type,
                term_start=term.start,
                term_name=term.name,
                number=number,
                issuer_code=code,
                dated=on,
                subject=nfc(subject)[:255],
                reserved_by=actor if actor is not None and actor.is_authenticated else None,
            )
    except IntegrityError as exc:
        raise ApplicationError("Số văn bản vừa được người khác dùng; hãy thử lại.") from exc


# --- plans --------------------------------------------------------------------------------------------------------


def _years(kind: str, start_year: int | None, end_year: int | None) -> tuple[int, int]:
    if not start_year or start_year < 1990 or start_year > 2100:
        raise ApplicationError("Năm của kế hoạch không hợp lệ.", errors={"start_year": ["Năm không hợp lệ."]})
    if kind == Plan.Kind.ANNUAL:
        return start_year, start_year
    if not end_year or end_year <= start_year or end_year - start_year > 10:
        raise ApplicationError(
            "Kế hoạch nhiệm kỳ hoặc giai đoạn cần năm kết thúc sau năm bắt đầu (ví dụ 2025-2030).",
            errors={"end_year": ["Năm kết thúc không hợp lệ."]},
        )
    return start_year, end_year


def _default_admission_metric(tenant_id) -> Metric:
    return Metric.objects.for_tenant(tenant_id).get(code=Metric.ADMISSIONS, tenant__isnull=True)


@transaction.atomic
def plan_create(
    *,
    actor,
    issuer: Organization,
    kind: str,
    start_year: int,
    title: str,
    end_year: int | None = None,
    parent_plan: Plan | None = None,
    copy_from: Plan | None = None,
) -> Plan:
    """A new draft plan: from the usual sections of the seeds, or as a copy of an earlier plan of the issuer.

    With `parent_plan` (a plan of a higher committee that this one implements), the new plan's targets start
    from the quota allocated to the issuer there (explicit allocations, or "each lower organization" targets).
    """
    access = access_for(actor)
    access.require(Action.EDIT_PLANS, issuer)
    if issuer.is_dissolved:
        raise ApplicationError("Tổ chức đã giải thể hoặc sáp nhập, không lập kế hoạch mới.")
    if kind not in Plan.Kind.values:
        raise ApplicationError("Loại kế hoạch không hợp lệ.")
    start_year, end_year = _years(kind, start_year, end_year)
    title = nfc(title)
    if not title:
        raise ApplicationError("Hãy ghi trích yếu của kế hoạch.", errors={"title": ["Trường này là bắt buộc."]})
    if parent_plan is not None:
        _check_parent(issuer=issuer, parent_plan=parent_plan, start_year=start_year, end_year=end_year)
    if copy_from is not None and copy_from.issuer_id != issuer.pk:
        raise ApplicationError("Chỉ sao chép được kế hoạch của chính cấp ủy này.")
    parent_org = Organization.objects.filter(path=issuer.path[: -Organization.steplen]).first()
    plan = Plan.objects.create(
        tenant_id=issuer.tenant_id,
        issuer=issuer,
        kind=kind,
        year=start_year if kind == Plan.Kind.ANNUAL else None,
        start_year=start_year,
        end_year=end_year,
        title=title,
        parent_plan=parent_plan,
        place=issuer.place_name,
        recipients=default_recipients(issuer.name, parent_org.name if parent_org else None),
        preamble_closing=f"Ban Thường vụ {issuer.name} xây dựng kế hoạch {title[:1].lower() + title[1:]} như sau:",
        created_by=actor,
    )
    if copy_from is not None:
        _copy_contents(copy_from, plan, year_shift=start_year - copy_from.start_year, with_header=True)
        how = f"sao chép từ kế hoạch {copy_from.number_text} ({copy_from.period_label})"
    else:
        PlanSection.objects.bulk_create(
            PlanSection(plan=plan, order=i, heading=heading, body=body)
            for i, (heading, body) in enumerate(SECTION_TEMPLATE, start=1)
        )
        AllocationColumn.objects.create(plan=plan, metric=_default_admission_metric(issuer.tenant_id), order=1)
        how = "theo mẫu"
    if parent_plan is not None:
        _start_from_parent(plan, parent_plan)
        how += f", thực hiện kế hoạch {parent_plan.number_text} của {parent_plan.issuer.name}"
    _event(plan=plan, actor=actor, kind=PlanEvent.Kind.CREATED, summary=f"Tạo kế hoạch “{title}” {how}")
    return plan


def _check_parent(*, issuer: Organization, parent_plan: Plan, start_year: int, end_year: int) -> None:
    if parent_plan.status != Plan.Status.ISSUED:
        raise ApplicationError("Chỉ thực hiện được kế hoạch cấp trên đã ban hành (bản hiện hành).")
    parent_issuer = parent_plan.issuer
    if parent_issuer.pk == issuer.pk or not issuer.path.startswith(parent_issuer.path):
        raise ApplicationError("Kế hoạch cấp trên phải do cấp ủy cấp trên của tổ chức này ban hành.")
    if parent_plan.end_year < start_year or parent_plan.start_year > end_year:
        raise ApplicationError("Thời gian của kế hoạch không nằm trong thời gian của kế hoạch cấp trên.")


def _start_from_parent(plan: Plan, parent_plan: Plan) -> None:
    """Targets of the new plan from what the higher plan gives its issuer; a legal basis line citing it."""
    from .selectors import quota_of

    quota = quota_of(plan=parent_plan, organization=plan.issuer)
    Target.objects.filter(plan=plan).delete()
    targets = []
    for order, item in enumerate(quota.items, start=1):
        if item.year is not None and not (plan.start_year <= item.year <= plan.end_year):
            continue
        targets.append(
            Target(
                plan=plan,
                metric_id=item.metric_id,
                category_id=item.category_id,
                year=item.year if plan.kind != Plan.Kind.ANNUAL else None,
                each_year=item.each_year and plan.kind != Plan.Kind.ANNUAL,
                kind=Target.Kind.RANGE if item.high is not None else Target.Kind.ABSOLUTE,
                low=item.low,
                high=item.high,
                note="Theo chỉ tiêu cấp trên giao",
                order=order,
            )
        )
    Target.objects.bulk_create(targets)
    for target in targets:
        if target.category_id:
            _ensure_column(plan, target.metric_id, target.category_id, None)
    dated = f", ngày {parent_plan.issued_on:%d/%m/%Y}" if parent_plan.issued_on else ""
    basis = (
        f"Thực hiện Kế hoạch số {parent_plan.number_text}{dated} của Ban Thường vụ {parent_plan.issuer.name} "
        f"về {parent_plan.title[:1].lower() + parent_plan.title[1:]};"
    )
    plan.legal_bases = "\n".join(filter(None, [basis, plan.legal_bases]))
    plan.save(update_fields=["legal_bases"])


def _copy_contents(source: Plan, target_plan: Plan, *, year_shift: int = 0, with_header: bool = False) -> None:
    """Copy the body, targets, grid columns, allocations and exemptions (years moved by `year_shift`)."""

    def shift(year):
        return year + year_shift if year else year

    if with_header:
        for name in ("legal_bases", "preamble_closing", "recipients", "signer_authority", "signer_title"):
            setattr(target_plan, name, getattr(source, name))
        target_plan.signer_name = source.signer_name
        target_plan.annex_note = source.annex_note
        target_plan.place = source.place or target_plan.place
        if year_shift:
            for name in ("legal_bases", "preamble_closing"):
                value = getattr(target_plan, name).replace(str(source.start_year), str(target_plan.start_year))
                setattr(target_plan, name, value)
        target_plan.save()
    PlanSection.objects.bulk_create(
        PlanSection(plan=target_plan, order=s.order, heading=s.heading, body=s.body) for s in source.sections.all()
    )
    targets = []
    for t in source.targets.all():
        t.pk = None
        t.plan = target_plan
        t.year = shift(t.year)
        if year_shift and t.kind == Target.Kind.RATE and t.base_as_of:
            t.base_as_of = t.base_as_of.replace(year=t.base_as_of.year + year_shift)
            snapshot = MemberCountSnapshot.objects.filter(organization_id=target_plan.issuer_id, as_of=t.base_as_of)
            snapshot = snapshot.first()
            if snapshot is not None:
                t.base_snapshot, t.base_members = snapshot, snapshot.members
                t.computed = _rate_of(t.rate_percent, snapshot.members)
                t.confirmed = round_half_up(t.computed)
        targets.append(t)
    Target.objects.bulk_create(targets)
    columns = []
    for c in source.columns.all():
        columns.append(
            AllocationColumn(
                plan=target_plan,
                metric_id=c.metric_id,
                category_id=c.category_id,
                year=shift(c.year),
                order=c.order,
                key=column_key(c.metric_id, c.category_id, shift(c.year)),
            )
        )
    AllocationColumn.objects.bulk_create(columns)
    allocations = []
    for a in source.allocations.filter(organization__valid_to__isnull=True):
        year = shift(a.year)
        allocations.append(
            Allocation(
                plan=target_plan,
                organization_id=a.organization_id,
                metric_id=a.metric_id,
                category_id=a.category_id,
                year=year,
                quantity=a.quantity,
                key=column_key(a.metric_id, a.category_id, year),
            )
        )
    Allocation.objects.bulk_create(allocations)
    Exemption.objects.bulk_create(
        Exemption(plan=target_plan, organization_id=e.organization_id, reason=e.reason)
        for e in source.exemptions.filter(organization__valid_to__isnull=True)
    )


PLAN_EDITABLE_FIELDS = {
    "title": "Trích yếu",
    "kind": "Loại kế hoạch",
    "start_year": "Từ năm",
    "end_year": "Đến năm",
    "place": "Địa danh",
    "issued_on": "Ngày ban hành",
    "legal_bases": "Căn cứ ban hành",
    "preamble_closing": "Câu dẫn",
    "recipients": "Nơi nhận",
    "signer_authority": "Thẩm quyền ký",
    "signer_title": "Chức vụ người ký",
    "signer_name": "Người ký",
    "annex_note": "Lưu ý dưới phụ lục",
}


def _clean_multiline(value: str) -> str:
    return "\n".join(nfc(line) for line in str(value or "").splitlines() if nfc(line))


@transaction.atomic
def plan_update(*, actor, plan: Plan, **changes) -> Plan:
    """Change the header, legal bases, recipients and signer of a draft; each changed field is recorded."""
    _require_edit(actor, plan)
    unknown = set(changes) - set(PLAN_EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError("Trường không được phép sửa: " + ", ".join(sorted(unknown)))
    locked = _lock_draft(plan)
    for name in ("legal_bases", "recipients", "annex_note"):
        if name in changes:
            changes[name] = _clean_multiline(changes[name])
    for name, value in list(changes.items()):
        if isinstance(value, str) and name not in ("legal_bases", "recipients", "annex_note"):
            changes[name] = nfc(value)
    kind = changes.get("kind", locked.kind)
    if kind not in Plan.Kind.values:
        raise ApplicationError("Loại kế hoạch không hợp lệ.")
    start_year, end_year = _years(
        kind, changes.get("start_year", locked.start_year), changes.get("end_year", locked.end_year)
    )
    changes["start_year"], changes["end_year"] = start_year, end_year
    if "title" in changes and not changes["title"]:
        raise ApplicationError("Hãy ghi trích yếu của kế hoạch.", errors={"title": ["Trường này là bắt buộc."]})
    diff = []
    for name, value in changes.items():
        old = getattr(locked, name)
        if old != value:
            diff.append([PLAN_EDITABLE_FIELDS[name], _show(old), _show(value)])
            setattr(locked, name, value)
    locked.year = start_year if kind == Plan.Kind.ANNUAL else None
    if diff:
        locked.save()
        names = ", ".join(d[0].lower() for d in diff)
        _event(plan=locked, actor=actor, kind=PlanEvent.Kind.UPDATED, summary=f"Sửa {names}", changes=diff)
    return locked


@transaction.atomic
def plan_sections_save(*, actor, plan: Plan, sections: list[dict]) -> Plan:
    """Replace the body: ordered sections (heading + text); empty rows are dropped."""
    _require_edit(actor, plan)
    locked = _lock_draft(plan)
    cleaned = []
    for item in sections:
        heading = nfc(item.get("heading", ""))
        body = "\n".join(line.rstrip() for line in str(item.get("body", "")).replace("\r\n", "\n").split("\n"))
        body = nfc_keep_lines(body)
        if not heading and not body.strip():
            continue
        if not heading:
            raise ApplicationError("Mỗi phần cần có tiêu đề.")
        cleaned.append((heading, body.strip("\n")))
    old = list(locked.sections.values_list("heading", "body"))
    if old == cleaned:
        return locked
    locked.sections.all().delete()
    PlanSection.objects.bulk_create(
        PlanSection(plan=locked, order=i, heading=h, body=b) for i, (h, b) in enumerate(cleaned, start=1)
    )
    changes = []
    for index in range(max(len(old), len(cleaned))):
        before = old[index] if index < len(old) else ("", "")
        after = cleaned[index] if index < len(cleaned) else ("", "")
        if before != after:
            changes.append([f"Phần {index + 1}", before[0] + _body_hint(before[1]), after[0] + _body_hint(after[1])])
    _event(plan=locked, actor=actor, kind=PlanEvent.Kind.SECTIONS, summary="Sửa nội dung kế hoạch", changes=changes)
    return locked


def nfc_keep_lines(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", text)


def _body_hint(body: str) -> str:
    body = " ".join(body.split())
    return f" — {body[:80]}…" if len(body) > 80 else (f" — {body}" if body else "")


# --- targets ------------------------------------------------------------------------------------------------------


def _rate_of(rate_percent, members: int) -> Decimal:
    return (Decimal(rate_percent) * members / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _decimal(value, label: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except InvalidOperation as exc:
        raise ApplicationError(f"{label} không hợp lệ.") from exc


TARGET_FIELDS = (
    "metric",
    "category",
    "scope",
    "year",
    "each_year",
    "kind",
    "low",
    "high",
    "rate_percent",
    "base_as_of",
    "base_members",
    "confirmed",
    "note",
)


def _clean_target(plan: Plan, data: dict, *, exclude_pk=None) -> dict:
    """Validate a target's fields against its plan; fills the rate figures. Returns the values to save."""
    errors: dict[str, list[str]] = {}
    metric: Metric | None = data.get("metric")
    category: Category | None = data.get("category")
    if metric is None:
        errors["metric"] = ["Hãy chọn chỉ tiêu."]
    elif metric.tenant_id not in (None, plan.tenant_id):
        errors["metric"] = ["Chỉ tiêu không thuộc đảng bộ này."]
    if category is not None and category.tenant_id not in (None, plan.tenant_id):
        errors["category"] = ["Đối tượng không thuộc đảng bộ này."]
    scope = data.get("scope") or Target.Scope.WHOLE
    kind = data.get("kind") or Target.Kind.ABSOLUTE
    if scope not in Target.Scope.values:
        errors["scope"] = ["Lựa chọn không hợp lệ."]
    if kind not in Target.Kind.values:
        errors["kind"] = ["Lựa chọn không hợp lệ."]
    year = data.get("year") or None
    each_year = bool(data.get("each_year")) and plan.kind != Plan.Kind.ANNUAL
    if year is not None and not (plan.start_year <= year <= plan.end_year):
        errors["year"] = [f"Năm phải trong thời gian của kế hoạch ({plan.start_year}-{plan.end_year})."]
    if plan.kind == Plan.Kind.ANNUAL:
        year = None
    if year is not None:
        each_year = False
    low, high = data.get("low"), data.get("high")
    values = {
        "metric": metric,
        "category": category,
        "scope": scope,
        "year": year,
        "each_year": each_year,
        "kind": kind,
        "low": None,
        "high": None,
        "rate_percent": None,
        "base_as_of": None,
        "base_members": None,
        "base_snapshot": None,
        "computed": None,
        "confirmed": None,
        "note": nfc(data.get("note", "")),
    }
    for name, value in (("low", low), ("high", high), ("confirmed", data.get("confirmed"))):
        if value is not None and value < 0:
            errors[name] = ["Số không được âm."]
    if kind in (Target.Kind.ABSOLUTE, Target.Kind.MINIMUM, Target.Kind.RANGE):
        if low is None:
            errors["low"] = ["Hãy nhập số chỉ tiêu."]
        values["low"] = low
    if kind == Target.Kind.RANGE:
        if high is None:
            errors["high"] = ["Chỉ tiêu dạng khoảng cần số “đến”."]
        elif low is not None and high < low:
            errors["high"] = ["Số “đến” phải lớn hơn hoặc bằng số “từ”."]
        values["high"] = high
    if kind == Target.Kind.RATE:
        rate = _decimal(data.get("rate_percent"), "Tỷ lệ")
        if rate is None or rate <= 0 or rate > 100:
            errors["rate_percent"] = ["Tỷ lệ phải lớn hơn 0 và không quá 100%."]
        as_of = data.get("base_as_of")
        members = data.get("base_members")
        snapshot = None
        if as_of is None:
            errors["base_as_of"] = ["Hãy ghi ngày tính số đảng viên (ví dụ 31/12 năm trước)."]
        elif members is None:
            snapshot = MemberCountSnapshot.objects.filter(organization_id=plan.issuer_id, as_of=as_of).first()
            if snapshot is None:
                errors["base_members"] = [
                    f"Chưa có số đảng viên của {plan.issuer.name} tính đến {as_of:%d/%m/%Y}: "
                    "hãy ghi số đảng viên vào đây hoặc cập nhật ở trang Số đảng viên."
                ]
            else:
                members = snapshot.members
        if not errors:
            computed = _rate_of(rate, members)
            confirmed = data.get("confirmed")
            values.update(
                rate_percent=rate,
                base_as_of=as_of,
                base_members=members,
                base_snapshot=snapshot,
                computed=computed,
                confirmed=confirmed if confirmed is not None else round_half_up(computed),
            )
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(f"Chỉ tiêu chưa hợp lệ: {first}", errors=errors)
    clash = Target.objects.filter(
        plan=plan, metric=metric, category=category, scope=scope, year=year, each_year=each_year
    )
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ApplicationError(
            "Kế hoạch đã có chỉ tiêu này (cùng loại, đối tượng, phạm vi và năm); hãy sửa chỉ tiêu đó."
        )
    return values


def _target_label(t: Target) -> str:
    parts = [t.metric.label]
    if t.category_id:
        parts.append(f"trong đó {t.category.name.lower()}")
    if t.scope != Target.Scope.WHOLE:
        parts.append(t.get_scope_display().lower())
    if t.period_text:
        parts.append(t.period_text)
    return ", ".join(parts)


@transaction.atomic
def target_add(*, actor, plan: Plan, **data) -> Target:
    """Add a target. A rate target stores the members it was computed from (figures stay as issued)."""
    _require_edit(actor, plan)
    locked = _lock_draft(plan)
    values = _clean_target(locked, data)
    order = (locked.targets.aggregate(m=Max("order"))["m"] or 0) + 1
    target = Target.objects.create(plan=locked, order=order, **values)
    if target.category_id and target.scope == Target.Scope.WHOLE:
        _ensure_column(locked, target.metric_id, target.category_id, target.year)
    elif target.scope == Target.Scope.WHOLE:
        _ensure_column(locked, target.metric_id, None, target.year)
    _event(
        plan=locked,
        actor=actor,
        kind=PlanEvent.Kind.TARGET_ADDED,
        summary=f"Thêm chỉ tiêu {_target_label(target)}: {target.text}",
        changes=[[_target_label(target), "", target.text]],
    )
    return target


@transaction.atomic
def target_update(*, actor, target: Target, **data) -> Target:
    _require_edit(actor, target.plan)
    locked = _lock_draft(target.plan)
    before_label, before_text = _target_label(target), target.text
    values = _clean_target(locked, data, exclude_pk=target.pk)
    for name, value in values.items():
        setattr(target, name, value)
    target.save()
    after_text = target.text
    _event(
        plan=locked,
        actor=actor,
        kind=PlanEvent.Kind.TARGET_CHANGED,
        summary=f"Sửa chỉ tiêu {_target_label(target)}: {before_text} → {after_text}",
        changes=[[_target_label(target), f"{before_label}: {before_text}", after_text]],
    )
    return target


@transaction.atomic
def target_remove(*, actor, target: Target) -> None:
    _require_edit(actor, target.plan)
    locked = _lock_draft(target.plan)
    label, text = _target_label(target), target.text
    target.delete()
    _event(
        plan=locked,
        actor=actor,
        kind=PlanEvent.Kind.TARGET_REMOVED,
        summary=f"Xóa chỉ tiêu {label}: {text}",
        changes=[[label, text, ""]],
    )


# --- allocation columns and allocations --------------------------------------------------------------------------


def _ensure_column(plan: Plan, metric_id: int, category_id: int | None, year: int | None) -> bool:
    key = column_key(metric_id, category_id, year)
    if AllocationColumn.objects.filter(plan=plan, key=key).exists():
        return False
    if category_id is not None:
        _ensure_column(plan, metric_id, None, year)
    order = (AllocationColumn.objects.filter(plan=plan).aggregate(m=Max("order"))["m"] or 0) + 1
    AllocationColumn.objects.create(plan=plan, metric_id=metric_id, category_id=category_id, year=year, order=order)
    return True


def column_label(metric: Metric, category: Category | None, year: int | None) -> str:
    label = metric.label
    if category is not None:
        label += f" · trong đó {category.abbreviation or category.name}"
    if year:
        label += f" · {year}"
    return label


@transaction.atomic
def allocation_column_add(
    *, actor, plan: Plan, metric: Metric, category: Category | None = None, year: int | None = None
) -> None:
    """Add a grid column (metric, "of which" category, year of a term plan); the total column comes with it."""
    _require_edit(actor, plan)
    locked = _lock_draft(plan)
    if metric.tenant_id not in (None, locked.tenant_id) or (
        category is not None and category.tenant_id not in (None, locked.tenant_id)
    ):
        raise ApplicationError("Chỉ tiêu hoặc đối tượng không thuộc đảng bộ này.")
    if year is not None and not (locked.start_year <= year <= locked.end_year):
        raise ApplicationError(f"Năm phải trong thời gian của kế hoạch ({locked.start_year}-{locked.end_year}).")
    if locked.kind == Plan.Kind.ANNUAL:
        year = None
    if not _ensure_column(locked, metric.pk, category.pk if category else None, year):
        raise ApplicationError("Bảng phân bổ đã có cột này.")
    label = column_label(metric, category, year)
    _event(plan=locked, actor=actor, kind=PlanEvent.Kind.COLUMN_ADDED, summary=f"Thêm cột phân bổ “{label}”")


@dataclass
class AllocationRow:
    """One organization's row as the grid or a spreadsheet gives it.

    `values` maps column keys to a quota (None clears the cell). `exempt_reason`: None leaves the exemption as it
    is, "" removes it, text exempts the organization. `number` is the spreadsheet row for error messages.
    """

    organization_id: int | None
    values: dict[str, int | None] = field(default_factory=dict)
    exempt_reason: str | None = None
    number: int | None = None
    label: str = ""


def _parse_key(key: str) -> tuple[int, int | None, int | None]:
    try:
        metric_id, category_id, year = (int(part) for part in key.split("-"))
    except (ValueError, AttributeError) as exc:
        raise ApplicationError("Cột phân bổ không hợp lệ.") from exc
    return metric_id, category_id or None, year or None


def validate_allocation_rows(plan: Plan, rows: list[AllocationRow]) -> tuple[dict, dict[int, Organization]]:
    """Row errors (keyed by row number or organization id) and the organizations found, in constant queries.

    Every organization must lie strictly below the issuer, in the same tenant, and still exist; a quota is a
    whole number from 0; an organization appears once.
    """
    errors: dict = {}
    ids = {row.organization_id for row in rows if row.organization_id}
    found = {
        o.pk: o
        for o in Organization.objects.filter(pk__in=ids, tenant_id=plan.tenant_id).only(
            "id", "name", "path", "depth", "valid_to", "tenant_id", "code"
        )
    }
    seen: dict[int, object] = {}
    for index, row in enumerate(rows, start=1):
        where = row.number if row.number is not None else index
        messages = []
        organization = found.get(row.organization_id) if row.organization_id else None
        if row.organization_id is None:
            pass  # the caller already reported why (unknown name or code)
        elif organization is None:
            messages.append("Không tìm thấy tổ chức trong đảng bộ.")
        elif organization.pk == plan.issuer_id or not organization.path.startswith(plan.issuer.path):
            messages.append(f"“{organization.name}” không phải tổ chức cấp dưới của {plan.issuer.name}.")
        elif organization.valid_to is not None:
            messages.append(f"“{organization.name}” đã giải thể hoặc sáp nhập.")
        if organization is not None and organization.pk in seen:
            messages.append(f"Trùng tổ chức với dòng {seen[organization.pk]}.")
        elif organization is not None:
            seen[organization.pk] = where
        for value in row.values.values():
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                messages.append("Chỉ tiêu phải là số nguyên.")
            elif value < 0:
                messages.append("Chỉ tiêu không được âm.")
            elif value > 100_000:
                messages.append("Chỉ tiêu quá lớn.")
        if row.exempt_reason is not None and len(row.exempt_reason) > 255:
            messages.append("Lý do miễn dài quá 255 ký tự.")
        if messages:
            errors.setdefault(where, []).extend(messages)
    return errors, found


@transaction.atomic
def allocations_save(
    *,
    actor,
    plan: Plan,
    rows: list[AllocationRow],
    revision: int | None = None,
    source: str = "grid",
) -> dict:
    """Save quotas of many organizations at once (the grid or an imported file), all or nothing.

    Concurrency: the plan row is locked (select_for_update) and, when the page sends the revision it was loaded
    at, a save based on an older revision is refused instead of silently overwriting someone else's figures.
    Writes are bulk (constant queries whatever the number of rows); one event lists every changed cell.
    """
    _require_edit(actor, plan)
    locked = _lock_draft(plan)
    if revision is not None and revision != locked.revision:
        raise ApplicationError(
            "Bảng phân bổ vừa được người khác lưu sau khi đồng chí mở trang. "
            "Hãy tải lại trang để xem số liệu mới rồi nhập lại; chưa có gì được ghi."
        )
    errors, organizations = validate_allocation_rows(locked, rows)
    if errors:
        raise ApplicationError(f"Có lỗi ở {len(errors)} dòng; chưa có gì được ghi.", errors=errors)
    keys = {key for row in rows for key in row.values}
    parsed = {key: _parse_key(key) for key in keys}
    metrics = {
        m.pk: m for m in Metric.objects.for_tenant(locked.tenant_id).filter(pk__in={p[0] for p in parsed.values()})
    }
    category_ids = {p[1] for p in parsed.values() if p[1]}
    categories = {c.pk: c for c in Category.objects.for_tenant(locked.tenant_id).filter(pk__in=category_ids)}
    for metric_id, category_id, year in parsed.values():
        if metric_id not in metrics or (category_id and category_id not in categories):
            raise ApplicationError("Cột phân bổ không thuộc đảng bộ này.")
        if year is not None and not (locked.start_year <= year <= locked.end_year):
            raise ApplicationError(f"Năm {year} ngoài thời gian của kế hoạch.")
    org_ids = [row.organization_id for row in rows]
    existing = {
        (a.organization_id, a.key): a for a in Allocation.objects.filter(plan=locked, organization_id__in=org_ids)
    }
    exemptions = {e.organization_id: e for e in Exemption.objects.filter(plan=locked, organization_id__in=org_ids)}
    columns = {c.key: c for c in AllocationColumn.objects.filter(plan=locked).select_related("metric", "category")}
    to_create, to_update, to_delete, changes = [], [], [], []
    ex_create, ex_update, ex_delete = [], [], []

    def label(key):
        metric_id, category_id, year = parsed[key]
        return column_label(metrics[metric_id], categories.get(category_id), year)

    for row in rows:
        organization = organizations[row.organization_id]
        for key, value in row.values.items():
            current = existing.get((organization.pk, key))
            old = current.quantity if current else None
            if old == value:
                continue
            changes.append([f"{organization.name} · {label(key)}", _show(old), _show(value)])
            if value is None:
                to_delete.append(current.pk)
            elif current is None:
                metric_id, category_id, year = parsed[key]
                to_create.append(
                    Allocation(
                        plan=locked,
                        organization=organization,
                        metric_id=metric_id,
                        category_id=category_id,
                        year=year,
                        quantity=value,
                        key=key,
                    )
                )
            else:
                current.quantity = value
                to_update.append(current)
        if row.exempt_reason is not None:
            reason = nfc(row.exempt_reason)
            current = exemptions.get(organization.pk)
            old = current.reason if current else ""
            if old != reason:
                changes.append([f"{organization.name} · miễn chỉ tiêu", old, reason])
                if not reason:
                    ex_delete.append(current.pk)
                elif current is None:
                    ex_create.append(Exemption(plan=locked, organization=organization, reason=reason))
                else:
                    current.reason = reason
                    ex_update.append(current)
    if to_delete:
        Allocation.objects.filter(pk__in=to_delete).delete()
    if to_update:
        Allocation.objects.bulk_update(to_update, ["quantity"], batch_size=1000)
    if to_create:
        Allocation.objects.bulk_create(to_create)
    if ex_delete:
        Exemption.objects.filter(pk__in=ex_delete).delete()
    if ex_update:
        Exemption.objects.bulk_update(ex_update, ["reason"], batch_size=500)
    if ex_create:
        Exemption.objects.bulk_create(ex_create)
    missing = [key for key in keys if key not in columns]
    if missing:
        order = max((c.order for c in columns.values()), default=0)
        new_columns = []
        for key in sorted(missing):
            metric_id, category_id, year = parsed[key]
            order += 1
            new_columns.append(
                AllocationColumn(
                    plan=locked, metric_id=metric_id, category_id=category_id, year=year, order=order, key=key
                )
            )
        AllocationColumn.objects.bulk_create(new_columns)
    if changes:
        locked.revision += 1
        locked.save(update_fields=["revision", "updated_at"])
        kind = PlanEvent.Kind.IMPORTED if source == "import" else PlanEvent.Kind.ALLOCATIONS
        how = "Nhập phân bổ từ bảng tính" if source == "import" else "Lưu bảng phân bổ"
        if source == "proposal":
            how = "Chốt chỉ tiêu theo đề xuất"
        _event(plan=locked, actor=actor, kind=kind, summary=f"{how}: {len(changes)} ô thay đổi", changes=changes)
    plan.revision = locked.revision
    return {"changed": len(changes), "revision": locked.revision, "changes": changes}


def allocations_import(*, actor, plan: Plan, data: bytes, filename: str = "", dry_run: bool = True):
    """Read an allocation file (the annex columns), check every row, then save all rows or nothing.

    Returns an ImportResult (organizations.spreadsheets) with each row's action, changes and errors. With
    `dry_run` nothing is kept (the preview); otherwise an invalid file raises ApplicationError with row errors.
    """
    from organizations.spreadsheets import ACTION_UNCHANGED, ACTION_UPDATE, ImportResult, read_sheet

    from .resources import parse_allocation_sheet
    from .selectors import _grid

    _require_edit(actor, plan)
    if plan.status != Plan.Status.DRAFT:
        raise ApplicationError("Kế hoạch đã ban hành nên không nhập được; hãy tạo bản sửa đổi.")
    sheet = read_sheet(data, filename=filename)
    grid = _grid(plan)
    parsed = parse_allocation_sheet(plan=plan, grid=grid, sheet=sheet)
    errors, _ = validate_allocation_rows(plan, parsed.rows)
    current = {row.organization.pk: row for row in grid.rows}
    labels = {c.key: c.label for c in grid.columns}
    for row, report in zip(parsed.rows, parsed.reports, strict=True):
        report.errors.extend(errors.get(row.number, []))
        before = current.get(row.organization_id)
        old_values = before.values if before else {}
        for key, value in row.values.items():
            if old_values.get(key) != value:
                report.changes.append(
                    f"{labels.get(key, key)}: {_show(old_values.get(key)) or '—'} → {_show(value) or '—'}"
                )
        old_reason = (before.exempt_reason if before else None) or ""
        if row.exempt_reason is not None and nfc(row.exempt_reason) != old_reason:
            report.changes.append(f"Miễn chỉ tiêu: {old_reason or '—'} → {nfc(row.exempt_reason) or '—'}")
        report.action = ACTION_UPDATE if report.changes else ACTION_UNCHANGED
    result = ImportResult(columns=parsed.columns, rows=parsed.reports)
    if not parsed.rows:
        result.file_errors.append("Tệp không có dòng dữ liệu nào.")
    if dry_run:
        return result
    result.raise_if_invalid()
    allocations_save(actor=actor, plan=plan, rows=parsed.rows, source="import")
    result.written = True
    return result


# --- workflow -----------------------------------------------------------------------------------------------------


@transaction.atomic
def plan_issue(*, actor, plan: Plan, issued_on: dt.date | None = None, number: int | None = None) -> Plan:
    """Issue a draft: it gets its number (proposed next free, or the one typed if still free) and is locked.

    An amended version, once issued, supersedes the version it amends; the old one is kept unchanged.
    """
    _require_edit(actor, plan)
    locked = _lock_draft(plan)
    issued_on = issued_on or locked.issued_on
    missing = []
    if issued_on is None:
        missing.append("ngày ban hành")
    if not locked.signer_title or not locked.signer_name:
        missing.append("chức vụ và họ tên người ký")
    if not locked.targets.exists():
        missing.append("ít nhất một chỉ tiêu")
    if missing:
        raise ApplicationError("Chưa ban hành được, còn thiếu: " + "; ".join(missing) + ".")
    reserved = document_number_reserve(
        issuer=locked.issuer,
        doc_type=Plan.DOC_TYPE,
        on=issued_on,
        actor=actor,
        number=number,
        subject=locked.title,
    )
    locked.number = reserved
    locked.issued_on = issued_on
    locked.status = Plan.Status.ISSUED
    locked.save(update_fields=["number", "issued_on", "status", "updated_at"])
    _event(
        plan=locked,
        actor=actor,
        kind=PlanEvent.Kind.ISSUED,
        summary=f"Ban hành Kế hoạch số {reserved.text} ngày {issued_on:%d/%m/%Y}",
        changes=[["Trạng thái", "Dự thảo", "Đã ban hành"], ["Số", "", reserved.text]],
    )
    previous = locked.previous_version
    if previous is not None and previous.status == Plan.Status.ISSUED:
        previous.status = Plan.Status.SUPERSEDED
        previous.save(update_fields=["status", "updated_at"])
        _event(
            plan=previous,
            actor=actor,
            kind=PlanEvent.Kind.SUPERSEDED,
            summary=f"Được thay thế bởi Kế hoạch số {reserved.text} (lần {locked.version})",
            changes=[["Trạng thái", "Đã ban hành", "Đã được thay thế"]],
        )
    plan.status, plan.number, plan.issued_on = locked.status, locked.number, locked.issued_on
    return locked


@transaction.atomic
def plan_amend(*, actor, plan: Plan) -> Plan:
    """Start an amended version of an issued plan: a new draft with the same contents; the issued one stays."""
    _require_edit(actor, plan)
    locked = Plan.objects.select_for_update().select_related("issuer").get(pk=plan.pk)
    if locked.status != Plan.Status.ISSUED:
        raise ApplicationError("Chỉ sửa đổi được kế hoạch đang có hiệu lực (đã ban hành).")
    if Plan.objects.filter(previous_version=locked).exists():
        raise ApplicationError("Kế hoạch này đã có bản sửa đổi; hãy mở bản sửa đổi đó.")
    amended = Plan.objects.create(
        tenant_id=locked.tenant_id,
        issuer=locked.issuer,
        kind=locked.kind,
        year=locked.year,
        start_year=locked.start_year,
        end_year=locked.end_year,
        title=locked.title,
        version=locked.version + 1,
        previous_version=locked,
        parent_plan=locked.parent_plan,
        created_by=actor,
    )
    _copy_contents(locked, amended, with_header=True)
    amended.issued_on = None
    amended.save(update_fields=["issued_on"])
    _event(
        plan=amended,
        actor=actor,
        kind=PlanEvent.Kind.AMENDED,
        summary=f"Tạo bản sửa đổi (lần {amended.version}) của Kế hoạch số {locked.number_text}",
    )
    _event(
        plan=locked,
        actor=actor,
        kind=PlanEvent.Kind.AMENDED,
        summary=f"Bắt đầu soạn bản sửa đổi lần {amended.version}; bản này vẫn có hiệu lực đến khi bản mới ban hành",
    )
    return amended


# --- proposals (bottom-up) ----------------------------------------------------------------------------------------


@transaction.atomic
def proposal_request_create(
    *,
    actor,
    plan: Plan,
    metric: Metric,
    deadline: dt.date,
    message: str = "",
    year: int | None = None,
) -> ProposalRequest:
    """Ask every active organization directly below the issuer (except exempted ones) for a proposed quota."""
    _require_edit(actor, plan)
    locked = _lock_draft(plan)
    if metric.tenant_id not in (None, locked.tenant_id):
        raise ApplicationError("Chỉ tiêu không thuộc đảng bộ này.")
    if year is not None and not (locked.start_year <= year <= locked.end_year):
        raise ApplicationError(f"Năm phải trong thời gian của kế hoạch ({locked.start_year}-{locked.end_year}).")
    if locked.kind == Plan.Kind.ANNUAL:
        year = None
    exempt = set(Exemption.objects.filter(plan=locked).values_list("organization_id", flat=True))
    children = [
        o
        for o in Organization.objects.filter(
            path__startswith=locked.issuer.path, depth=locked.issuer.depth + 1, valid_to__isnull=True
        ).only("id")
        if o.pk not in exempt
    ]
    if not children:
        raise ApplicationError("Cấp ủy này không có tổ chức trực thuộc nào để đề nghị đề xuất.")
    request = ProposalRequest.objects.create(
        plan=locked, metric=metric, year=year, deadline=deadline, message=_clean_multiline(message), created_by=actor
    )
    Proposal.objects.bulk_create(Proposal(request=request, organization=o) for o in children)
    _event(
        plan=locked,
        actor=actor,
        kind=PlanEvent.Kind.PROPOSALS_REQUESTED,
        summary=(
            f"Đề nghị {len(children)} tổ chức trực thuộc đề xuất chỉ tiêu {metric.label.lower()} "
            f"trước ngày {deadline:%d/%m/%Y}"
        ),
    )
    return request


@transaction.atomic
def proposal_submit(*, actor, proposal: Proposal, proposed: int, note: str = "") -> Proposal:
    """A lower organization sends (or corrects) its proposed quota until the committee has decided on it."""
    access_for(actor).require(Action.EDIT_PLANS, proposal.organization)
    locked = Proposal.objects.select_for_update().select_related("request", "request__plan").get(pk=proposal.pk)
    if locked.status in (Proposal.Status.ACCEPTED, Proposal.Status.ADJUSTED):
        raise ApplicationError("Cấp trên đã chốt chỉ tiêu cho đề xuất này; không gửi lại được.")
    if locked.request.closed_at is not None or locked.request.plan.status != Plan.Status.DRAFT:
        raise ApplicationError("Đợt đề xuất đã kết thúc.")
    if proposed is None or proposed < 0:
        raise ApplicationError("Số đề xuất phải là số nguyên không âm.", errors={"proposed": ["Không hợp lệ."]})
    old = locked.proposed
    locked.proposed = proposed
    locked.note = _clean_multiline(note)
    locked.status = Proposal.Status.SUBMITTED
    locked.submitted_by = actor
    locked.submitted_at = timezone.now()
    locked.save()
    _event(
        plan=locked.request.plan,
        actor=actor,
        kind=PlanEvent.Kind.PROPOSAL_SUBMITTED,
        summary=f"{proposal.organization.name} đề xuất {proposed:02d}",
        changes=[[f"Đề xuất của {proposal.organization.name}", _show(old), _show(proposed)]],
    )
    return locked


def _decide(actor, plan: Plan, decisions: list[tuple[Proposal, int]]) -> None:
    now = timezone.now()
    rows = []
    for proposal, decided in decisions:
        if decided is None or decided < 0:
            raise ApplicationError("Số giao phải là số nguyên không âm.")
        proposal.decided = decided
        proposal.decided_by = actor
        proposal.decided_at = now
        proposal.status = Proposal.Status.ACCEPTED if proposal.proposed == decided else Proposal.Status.ADJUSTED
        request = proposal.request
        rows.append(
            AllocationRow(
                organization_id=proposal.organization_id,
                values={column_key(request.metric_id, None, request.year): decided},
            )
        )
    Proposal.objects.bulk_update(
        [p for p, _ in decisions], ["decided", "decided_by", "decided_at", "status"], batch_size=500
    )
    allocations_save(actor=actor, plan=plan, rows=rows, source="proposal")
    summary = ", ".join(
        f"{p.organization.name}: {p.proposed if p.proposed is not None else '—'} → {d:02d}" for p, d in decisions[:5]
    )
    more = f" và {len(decisions) - 5} tổ chức khác" if len(decisions) > 5 else ""
    _event(
        plan=plan,
        actor=actor,
        kind=PlanEvent.Kind.PROPOSAL_DECIDED,
        summary=f"Chốt đề xuất: {summary}{more}"[:400],
        changes=[[p.organization.name, _show(p.proposed), _show(d)] for p, d in decisions],
    )


@transaction.atomic
def proposal_decide(*, actor, proposal: Proposal, decided: int | None = None) -> Proposal:
    """Accept a proposal as sent, or adjust it; the decided figure becomes the organization's allocation."""
    plan = proposal.request.plan
    _require_edit(actor, plan)
    _lock_draft(plan)
    locked = Proposal.objects.select_for_update().select_related("request", "organization").get(pk=proposal.pk)
    if decided is None:
        if locked.proposed is None:
            raise ApplicationError("Tổ chức này chưa gửi đề xuất; hãy nhập số giao.")
        decided = locked.proposed
    _decide(actor, plan, [(locked, decided)])
    return locked


@transaction.atomic
def proposals_accept_all(*, actor, request: ProposalRequest) -> int:
    """Accept every submitted proposal not yet decided, as proposed; returns how many."""
    plan = request.plan
    _require_edit(actor, plan)
    _lock_draft(plan)
    pending = list(
        Proposal.objects.select_for_update()
        .filter(request=request, status=Proposal.Status.SUBMITTED)
        .select_related("request", "organization")
    )
    if not pending:
        raise ApplicationError("Không có đề xuất nào đang chờ chốt.")
    _decide(actor, plan, [(p, p.proposed) for p in pending])
    return len(pending)
