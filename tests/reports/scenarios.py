"""Scenarios for the dashboards: trees with plans, quotas and admission events, built directly (fast)."""

from __future__ import annotations

import datetime as dt

from candidates.models import Candidate, CandidateEvent
from candidates.stages import EventKind, Stage
from config.text import fold, person_sort_key
from organizations.models import Category, Organization
from planning.models import Allocation, AllocationColumn, Metric, Plan, Target
from tests.factories import person_name


def metric(code: str = Metric.ADMISSIONS) -> Metric:
    return Metric.objects.get(tenant__isnull=True, code=code)


def category(code: str) -> Category:
    return Category.objects.get(tenant__isnull=True, code=code)


def issued_plan(issuer: Organization, year: int, target: int, quotas: dict[Organization, int], *, pupils=None) -> Plan:
    plan = Plan.objects.create(
        tenant_id=issuer.tenant_id,
        issuer=issuer,
        kind=Plan.Kind.ANNUAL,
        year=year,
        start_year=year,
        end_year=year,
        title=f"Phát triển đảng viên năm {year}",
        status=Plan.Status.ISSUED,
        issued_on=dt.date(year, 1, 15),
    )
    Target.objects.create(plan=plan, metric=metric(), kind=Target.Kind.ABSOLUTE, low=target)
    AllocationColumn.objects.create(plan=plan, metric=metric(), order=1)
    for organization, quantity in quotas.items():
        Allocation.objects.create(plan=plan, organization=organization, metric=metric(), quantity=quantity)
    if pupils:
        AllocationColumn.objects.create(plan=plan, metric=metric(), category=category("hoc-sinh"), order=2)
        for organization, quantity in pupils.items():
            Allocation.objects.create(
                plan=plan, organization=organization, metric=metric(), category=category("hoc-sinh"), quantity=quantity
            )
    return plan


def events(
    cell: Organization,
    count: int,
    *,
    kind: str = EventKind.ADMISSION,
    on: dt.date = dt.date(2023, 6, 15),
    stage: str = Stage.ADMITTED,
    categories: tuple[str, ...] = (),
    voided: bool = False,
) -> list[Candidate]:
    """`count` candidates of `cell` each with one event of `kind` dated `on`."""
    people = []
    for _ in range(count):
        name = person_name()
        people.append(
            Candidate(
                organization=cell,
                tenant_id=cell.tenant_id,
                org_path=cell.path,
                full_name=name,
                sex="female",
                birth_date=dt.date(2000, 1, 1),
                stage=stage,
                name_key=person_sort_key(name),
                search_text=fold(name),
            )
        )
    Candidate.objects.bulk_create(people)
    CandidateEvent.objects.bulk_create(
        CandidateEvent(
            tenant_id=cell.tenant_id,
            candidate=person,
            organization=cell,
            org_path=cell.path,
            kind=kind,
            event_date=on,
            to_stage=stage,
            voided=voided,
        )
        for person in people
    )
    for code in categories:
        through = Candidate.categories.through
        through.objects.bulk_create(through(candidate=p, category=category(code)) for p in people)
    return people
