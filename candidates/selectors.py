"""Every read of candidates, classes and deadlines that a page or a report needs, scoped through
organizations.access: a candidate is visible when the user may view its cell (a role covers its node's subtree).
Lists run a fixed number of queries whatever the size of the subtree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone

from organizations.access import Action, access_for
from organizations.models import Category, Organization

from . import rules
from .models import Candidate, CandidateChange, CandidateEvent, CandidatePerson, Enrolment, Holiday, TrainingClass
from .stages import EXITS, PIPELINE, EventKind, Stage, steps_from
from .workdays import calendar_for

LIST_FIELDS = (
    "id",
    "full_name",
    "sex",
    "birth_date",
    "stage",
    "stage_on",
    "next_due_on",
    "next_due_kind",
    "organization_id",
    "organization__name",
    "organization__code",
    "name_key",
)


def _visible(user, action: Action = Action.VIEW) -> QuerySet:
    """Candidates whose cell lies in one of the user's subtrees for `action` (nothing for a user without roles)."""
    paths = access_for(user).paths(action)
    if not paths:
        return Candidate.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(organization__path__startswith=path)
    return Candidate.objects.filter(condition)


def candidate_get(*, user, pk, action: Action = Action.VIEW) -> Candidate:
    """The candidate `pk` if its cell is in the user's scope (404 otherwise); 403 inside it without `action`."""
    try:
        candidate = _visible(user).select_related("organization__kind", "tenant").get(pk=pk)
    except (Candidate.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("Không tìm thấy quần chúng.") from exc
    access_for(user).require(action, candidate.organization)
    return candidate


@dataclass
class ListFilters:
    text: str = ""
    stage: str = ""
    category: int | None = None
    open_only: bool = True


def candidate_list(*, user, organization: Organization, filters: ListFilters | None = None) -> QuerySet:
    """The candidates of `organization`'s subtree (the user must be able to view it), sorted the Vietnamese way
    (given name first); search by name without diacritics only (never by ID number)."""
    access_for(user).require(Action.VIEW, organization)
    filters = filters or ListFilters()
    queryset = (
        Candidate.objects.filter(organization=organization)
        if organization.kind.is_cell and not organization.numchild
        else Candidate.objects.in_subtree(organization)
    )
    if filters.text:
        queryset = queryset.search(filters.text)
    if filters.stage:
        queryset = queryset.filter(stage=filters.stage)
    elif filters.open_only:
        queryset = queryset.exclude(stage__in=[*EXITS, Stage.FULL_MEMBER])
    if filters.category:
        queryset = queryset.filter(categories=filters.category)
    return (
        queryset.select_related("organization")
        .prefetch_related(Prefetch("categories", queryset=Category.objects.only("id", "abbreviation", "name")))
        .order_by("name_key", "id")
    )


def candidate_board(*, user, organization: Organization, per_stage: int = 12) -> list[dict]:
    """Columns by stage: the count and the first names of each (two queries, whatever the size)."""
    access_for(user).require(Action.VIEW, organization)
    base = Candidate.objects.in_subtree(organization).filter(stage__in=PIPELINE[:-1])
    counts = dict(base.values_list("stage").annotate(n=Count("id")).values_list("stage", "n"))
    ranked = (
        base.annotate(rank=Window(RowNumber(), partition_by=[F("stage")], order_by=[F("name_key").asc(), F("id")]))
        .filter(rank__lte=per_stage)
        .select_related("organization")
        .only("id", "full_name", "stage", "next_due_on", "organization__name")
    )
    cards: dict[str, list] = {}
    for c in ranked:
        cards.setdefault(c.stage, []).append(c)
    return [
        {"stage": stage, "label": stage.label, "count": counts.get(stage, 0), "cards": cards.get(stage, [])}
        for stage in PIPELINE[:-1]
    ]


def candidate_due_list(
    *, user, organization: Organization, today: dt.date | None = None, horizon_days: int = 30, limit: int = 500
) -> list[Candidate]:
    """Open candidates of the subtree whose nearest deadline is past or within `horizon_days` (earliest first)."""
    access_for(user).require(Action.VIEW, organization)
    today = today or timezone.localdate()
    until = today + dt.timedelta(days=horizon_days)
    rows = list(
        Candidate.objects.in_subtree(organization)
        .filter(next_due_on__isnull=False, next_due_on__lte=until)
        .select_related("organization")
        .only("id", "full_name", "stage", "next_due_on", "next_due_kind", "organization__name", "organization_id")
        .order_by("next_due_on", "name_key")[:limit]
    )
    for c in rows:
        c.overdue = c.next_due_on < today
        c.days_left = (c.next_due_on - today).days
    return rows


DUE_LABELS = {
    "certificate": "Giấy chứng nhận nhận thức hết hạn",
    "dossier": "Hồ sơ quá 12 tháng",
    "verification": "Hạn trả lời thẩm tra lý lịch",
    "decision": "Hạn quyết định kết nạp",
    "ceremony": "Hạn tổ chức lễ kết nạp",
    "recognition": "Hạn xét công nhận chính thức",
}


def candidate_deadlines(candidate: Candidate) -> list[rules.Deadline]:
    return rules.deadlines(candidate, calendar_for(candidate.tenant_id))


def candidate_next_steps(candidate: Candidate):
    return steps_from(candidate.stage)


def candidate_timeline(candidate: Candidate) -> list[CandidateEvent]:
    return list(candidate.events.select_related("actor", "organization", "voided_by").order_by("event_date", "id"))


def candidate_people(candidate: Candidate) -> list[CandidatePerson]:
    return list(candidate.people.all())


def candidate_history(*, user, candidate: Candidate, limit: int = 500) -> list[CandidateChange]:
    """Field changes, newest first; sensitive values are masked unless the user may see them."""
    show = access_for(user).can(Action.VIEW_SENSITIVE, candidate.organization)
    rows = list(candidate.changes.select_related("actor").order_by("-at", "-id")[:limit])
    for row in rows:
        if row.sensitive and not show:
            row.old = "•••" if row.old else ""
            row.new = "•••" if row.new else ""
    return rows


def candidate_enrolments(candidate: Candidate) -> list[Enrolment]:
    return list(candidate.enrolments.select_related("training_class").order_by("-training_class__starts_on"))


def candidates_for_export(*, user, organization: Organization) -> QuerySet:
    """Every candidate of the organization's subtree, for a user who may view the organization."""
    access_for(user).require(Action.VIEW, organization)
    return _visible(user).in_subtree(organization)


def cells_for_new_candidate(*, user, organization: Organization) -> QuerySet:
    """Active cells of the subtree where the user may manage candidates."""
    access_for(user).require(Action.MANAGE_CANDIDATES, organization)
    return (
        Organization.objects.in_subtree(organization)
        .filter(kind__is_cell=True, valid_to__isnull=True)
        .select_related("kind")
    )


def transfer_target(*, user, candidate: Candidate, code: str) -> Organization | None:
    """A cell of the candidate's tenant by code: the receiving cell may lie outside the user's scope
    (Hướng dẫn 06-HD/TW, mục 3.9), but never in another tenant."""
    return (
        Organization.objects.filter(tenant_id=candidate.tenant_id, code=code.strip(), kind__is_cell=True)
        .select_related("kind")
        .first()
    )


# --- classes ---------------------------------------------------------------------------------------------------


def _class_condition(user) -> Q | None:
    """A class is visible to those whose scope contains the organization running it, and to those below it
    (a cell secretary enrols in the commune's class): the organization's path is a prefix of a scope path or the
    other way round."""
    paths = access_for(user).paths(Action.VIEW)
    if not paths:
        return None
    condition = Q()
    for path in paths:
        ancestors = [path[:end] for end in range(Organization.steplen, len(path) + 1, Organization.steplen)]
        condition |= Q(organization__path__startswith=path) | Q(organization__path__in=ancestors)
    return condition


def class_list(*, user, organization: Organization, limit: int = 200) -> list[TrainingClass]:
    """Classes run by `organization`, its subtree and the organizations above it, newest first."""
    access_for(user).require(Action.VIEW, organization)
    ancestors = organization.ancestor_paths()
    return list(
        TrainingClass.objects.filter(tenant_id=organization.tenant_id)
        .filter(Q(organization__path__startswith=organization.path) | Q(organization__path__in=ancestors))
        .select_related("organization")
        .annotate(learners=Count("enrolments"))
        .order_by("-starts_on", "-id")[:limit]
    )


def class_get(*, user, pk, action: Action = Action.VIEW) -> TrainingClass:
    """A visible class (404 otherwise). For MANAGE_CANDIDATES, the user must manage candidates somewhere in the
    class's reach (at, above or below its organization), else 403."""
    condition = _class_condition(user)
    try:
        if condition is None:
            raise TrainingClass.DoesNotExist
        training_class = TrainingClass.objects.filter(condition).select_related("organization").get(pk=pk)
    except (TrainingClass.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("Không tìm thấy lớp.") from exc
    if action != Action.VIEW:
        path = training_class.organization.path
        reach = [p for p in access_for(user).paths(action) if p.startswith(path) or path.startswith(p)]
        if not reach:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("Vai trò của đồng chí không được thực hiện thao tác này.")
    return training_class


def class_enrolments(*, user, training_class: TrainingClass) -> list[Enrolment]:
    """The learners of a class that the user may see (only those of cells in the user's scope)."""
    visible = _visible(user).values("pk")
    return list(
        training_class.enrolments.filter(candidate__in=visible)
        .select_related("candidate__organization")
        .order_by("candidate__name_key", "id")
    )


def class_enrol_choices(*, user, training_class: TrainingClass, text: str = "", limit: int = 200) -> QuerySet:
    """The first `limit` candidates that may be enrolled (see class_enrol_candidates), in Vietnamese name order,
    as a queryset a form can validate against."""
    queryset = class_enrol_candidates(user=user, training_class=training_class, text=text)
    first = list(queryset.order_by("name_key", "id").values_list("pk", flat=True)[:limit])
    return queryset.filter(pk__in=first).select_related("organization").order_by("name_key", "id")


def class_enrol_candidates(*, user, training_class: TrainingClass, text: str = "") -> QuerySet:
    """Candidates the user manages, in the class's subtree when the user is above it, in a stage that takes this
    class, not yet enrolled."""
    from .services import class_stages

    queryset = _visible(user, Action.MANAGE_CANDIDATES).filter(
        tenant_id=training_class.tenant_id, stage__in=class_stages(training_class.kind)
    )
    path = training_class.organization.path
    if any(path.startswith(p) and p != path for p in access_for(user).paths(Action.MANAGE_CANDIDATES)):
        queryset = queryset.filter(organization__path__startswith=path)
    queryset = queryset.exclude(enrolments__training_class=training_class)
    return queryset.search(text) if text else queryset


def holidays_of(*, user, organization: Organization, year: int | None = None) -> list[Holiday]:
    """The national calendar and the tenant's own days (the tenant's row wins on the same date)."""
    access_for(user).require(Action.VIEW, organization)
    rows = Holiday.objects.filter(Q(tenant__isnull=True) | Q(tenant_id=organization.tenant_id))
    if year:
        rows = rows.filter(date__year=year)
    by_date: dict[dt.date, Holiday] = {}
    for row in sorted(rows, key=lambda h: (h.date, h.tenant_id is not None)):
        by_date[row.date] = row
    return list(by_date.values())


# --- for reports (counts under a subtree, one statement each) ---------------------------------------------------


def event_counts(
    *,
    user,
    organization: Organization,
    start: dt.date,
    end: dt.date,
    kinds: tuple[str, ...] = (EventKind.ADMISSION,),
    by_child: bool = False,
) -> dict:
    """Counted events (not void) dated in [start, end] under the subtree, by kind; with `by_child`, by kind and
    by direct child of `organization` (key: the child's path). Admitted in 2025 = admission events dated 2025."""
    access_for(user).require(Action.VIEW, organization)
    queryset = CandidateEvent.objects.counted().under_path(organization.path).in_period(start, end)
    queryset = queryset.filter(kind__in=kinds)
    if not by_child:
        return dict(queryset.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    from django.db.models.functions import Substr

    width = len(organization.path) + Organization.steplen
    rows = (
        queryset.annotate(child=Substr("org_path", 1, width))
        .values_list("child", "kind")
        .annotate(n=Count("id"))
        .values_list("child", "kind", "n")
    )
    result: dict = {}
    for child, kind, n in rows:
        result.setdefault(child, {})[kind] = n
    return result


def event_counts_by_category(
    *, user, organization: Organization, start: dt.date, end: dt.date, kind: str = EventKind.ADMISSION
) -> dict[int, int]:
    """Counted events of `kind` in the period under the subtree, by person category id (e.g. admitted women)."""
    access_for(user).require(Action.VIEW, organization)
    rows = (
        CandidateEvent.objects.counted()
        .under_path(organization.path)
        .in_period(start, end)
        .filter(kind=kind)
        .values_list("candidate__categories")
        .annotate(n=Count("id"))
    )
    return {category: n for category, n in rows if category is not None}


def stage_counts(*, user, organization: Organization) -> dict[str, int]:
    """Candidates under the subtree by current stage (uses the (org_path, stage) index)."""
    access_for(user).require(Action.VIEW, organization)
    rows = Candidate.objects.under_path(organization.path).values_list("stage").annotate(n=Count("id"))
    return dict(rows.values_list("stage", "n"))


def overdue_counts(*, user, organization: Organization, today: dt.date | None = None) -> dict[str, int]:
    """Open deadlines already past under the subtree, by kind of deadline."""
    access_for(user).require(Action.VIEW, organization)
    today = today or timezone.localdate()
    rows = (
        Candidate.objects.under_path(organization.path)
        .filter(next_due_on__lt=today)
        .values_list("next_due_kind")
        .annotate(n=Count("id"))
    )
    return dict(rows.values_list("next_due_kind", "n"))
