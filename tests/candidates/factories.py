"""Candidates for tests: built directly (fast, any stage) or in bulk; names from tests.factories' own lists."""

from __future__ import annotations

import datetime as dt
import itertools
import random

from django.db import connection

from candidates.models import Candidate, CandidateEvent, CandidatePerson, Enrolment, TrainingClass
from candidates.stages import PIPELINE, EventKind, Stage
from config.text import fold, person_sort_key
from tests.factories import person_name

_ids = itertools.count(100000000000)


def national_id() -> str:
    return str(next(_ids))


def make_candidate(organization, *, stage=Stage.SOURCE, full_name=None, **fields) -> Candidate:
    """A candidate in `organization` at `stage` (no events beyond one "created"); fields override defaults."""
    values = {
        "full_name": full_name or person_name(),
        "sex": "male",
        "birth_date": dt.date(2000, 5, 17),
        "education": "upper_secondary",
        "stage": stage,
        "stage_on": dt.date(2025, 1, 2),
        "listed_on": dt.date(2025, 1, 2),
    }
    values.update(fields)
    candidate = Candidate(organization=organization, **values)
    candidate.fill_derived()
    candidate.save()
    CandidateEvent.objects.create(
        tenant_id=candidate.tenant_id,
        candidate=candidate,
        organization=organization,
        org_path=organization.path,
        kind=EventKind.CREATED,
        event_date=values["listed_on"],
        to_stage=Stage.SOURCE,
    )
    return candidate


def add_introducers(candidate, *, since=dt.date(2023, 1, 1)) -> None:
    for name in ("Nguyễn Văn Bình", "Trần Thị Mai"):
        CandidatePerson.objects.create(
            candidate=candidate,
            role="introducer",
            kind="member",
            full_name=name,
            cell_name="Chi bộ 1",
            together_since=since,
        )


def bulk_candidates(organization, count: int, *, seed: int = 7, due_every: int = 10) -> int:
    """`count` candidates in one cell: up to 1,000 distinct rows with bulk_create, then copied inside the database
    (INSERT ... SELECT, doubling) so 50,000 rows take seconds even under SQLite's 999-parameter limit."""
    rng = random.Random(seed)
    rows = []
    for index in range(min(count, 1000)):
        name = person_name(rng)
        due = dt.date(2025, 1, 1) + dt.timedelta(days=index % 400) if index % due_every == 0 else None
        rows.append(
            Candidate(
                organization=organization,
                tenant_id=organization.tenant_id,
                org_path=organization.path,
                full_name=name,
                sex="female" if index % 2 else "male",
                birth_date=dt.date(1990 + index % 15, 1 + index % 12, 1 + index % 28),
                stage=PIPELINE[index % 8],
                name_key=person_sort_key(name),
                search_text=fold(name),
                next_due_on=due,
                next_due_kind="decision" if due else "",
            )
        )
    Candidate.objects.bulk_create(rows, batch_size=5000)
    columns = ", ".join(
        connection.ops.quote_name(f.column) for f in Candidate._meta.concrete_fields if not f.primary_key
    )
    table = connection.ops.quote_name(Candidate._meta.db_table)
    done = len(rows)
    with connection.cursor() as cursor:
        while done < count:
            batch = min(done, count - done)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {table} "
                f"WHERE organization_id = %s ORDER BY id LIMIT %s",
                [organization.pk, batch],
            )
            done += batch
    return count


def make_class(organization, *, kind=TrainingClass.Kind.AWARENESS, **fields) -> TrainingClass:
    values = {
        "name": "Lớp bồi dưỡng nhận thức về Đảng khóa 1/2025",
        "organizer": "Trung tâm Chính trị xã",
        "starts_on": dt.date(2025, 3, 3),
        "ends_on": dt.date(2025, 3, 7),
        "certificate_on": dt.date(2025, 3, 10),
    }
    values.update(fields)
    return TrainingClass.objects.create(
        tenant_id=organization.tenant_id, organization=organization, kind=kind, **values
    )


def enrol(training_class, candidate) -> Enrolment:
    return Enrolment.objects.create(training_class=training_class, candidate=candidate)
