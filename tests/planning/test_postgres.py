"""Concurrency on a real PostgreSQL: numbers are never given twice; concurrent grid saves never lose an update.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/pytest -m postgres tests/planning
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from config.errors import ApplicationError
from planning import services
from planning.models import Allocation, DocumentNumber, Metric
from planning.selectors import column_key_of

from .seeds import build_seed_002, metric

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _shared_defaults(transactional_db):
    """Transactional tests flush the rows the data migrations installed; put the shared defaults back."""
    from organizations.defaults import install_defaults
    from planning.defaults import install_metrics

    if connection.vendor != "postgresql":
        pytest.fail("Needs PostgreSQL: set DATABASE_URL=postgres://… (bin/test deselects this marker otherwise).")
    install_defaults()
    install_metrics()


def _run_together(count: int, work) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def target(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:  # collected and asserted by the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_document_number_reserve_under_concurrency_gives_distinct_numbers(district):
    results = _run_together(
        12,
        lambda i: (
            services.document_number_reserve(
                issuer=district.district, doc_type="KH", on=dt.date(2025, 3, 1), subject=f"Văn bản {i}"
            ).number
        ),
    )
    assert sorted(results) == list(range(1, 13)), results
    assert DocumentNumber.objects.filter(issuer=district.district).count() == 12


def test_concurrent_grid_saves_from_the_same_revision_keep_exactly_one(district):
    plan = build_seed_002(district, issue=False)
    key = column_key_of(metric(Metric.ADMISSIONS))
    opened_at = plan.revision
    unit = district.units[0]

    def save(i: int):
        row = services.AllocationRow(organization_id=unit.pk, values={key: 20 + i})
        return services.allocations_save(actor=district.staff, plan=plan, rows=[row], revision=opened_at)

    results = _run_together(8, save)
    saved = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(saved) == 1 and len(refused) == 7, results
    quantity = Allocation.objects.get(plan=plan, organization=unit, key=key).quantity
    assert str(quantity) == saved[0]["changes"][0][2] and quantity >= 20
