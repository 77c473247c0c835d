"""Services of planning: numbering, workflow, events, checks, scope and lost updates."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from config.errors import ApplicationError
from planning import selectors, services
from planning.models import Allocation, DocumentNumber, Metric, Plan, PlanEvent, Target
from planning.selectors import column_key_of

from .seeds import build_seed_002, metric


def test_document_number_reserve_never_reuses_and_restarts_per_term(district):
    issuer = district.district
    on = dt.date(2025, 1, 15)
    assert services.document_number_next(issuer=issuer, doc_type="KH", on=on) == 1
    first = services.document_number_reserve(issuer=issuer, doc_type="KH", on=on)
    assert first.text == "01-KH/HU" and first.term_name == "nhiệm kỳ 2020-2025"
    typed = services.document_number_reserve(issuer=issuer, doc_type="KH", on=on, number=12)
    assert typed.text == "12-KH/HU"
    with pytest.raises(ApplicationError, match="đã được dùng"):
        services.document_number_reserve(issuer=issuer, doc_type="KH", on=on, number=12)
    assert services.document_number_reserve(issuer=issuer, doc_type="KH", on=on).number == 13
    # An abandoned number stays taken: deleting the row does not lower the sequence.
    DocumentNumber.objects.filter(number=13).delete()
    assert services.document_number_next(issuer=issuer, doc_type="KH", on=on) == 14
    # Other types (letters CV, reports BC, used by reports/) have their own sequence.
    assert services.document_number_reserve(issuer=issuer, doc_type="CV", on=on).text == "01-CV/HU"
    # A new term restarts at 01: the default term changes on 1 July 2025 ...
    assert services.document_number_reserve(issuer=issuer, doc_type="KH", on=dt.date(2025, 8, 1)).number == 1
    # ... unless the committee's own term is recorded.
    services.committee_term_record(
        actor=district.staff, organization=issuer, name="nhiệm kỳ 2025-2030", start=dt.date(2025, 9, 20)
    )
    assert services.committee_term_for(organization=issuer, on=dt.date(2025, 9, 1)).name == "nhiệm kỳ 2020-2025"
    number = services.document_number_reserve(issuer=issuer, doc_type="KH", on=dt.date(2025, 10, 1))
    assert (number.number, number.term_name) == (1, "nhiệm kỳ 2025-2030")
    with pytest.raises(ApplicationError, match="trùng thời gian"):
        services.committee_term_record(
            actor=district.staff, organization=issuer, name="nhiệm kỳ khác", start=dt.date(2026, 1, 1)
        )


def test_plan_issue_requires_signer_and_locks_the_plan(district):
    staff = district.staff
    plan = services.plan_create(
        actor=staff, issuer=district.district, kind=Plan.Kind.ANNUAL, start_year=2025, title="Phát triển đảng viên"
    )
    with pytest.raises(ApplicationError, match=r"ngày ban hành.*người ký.*chỉ tiêu"):
        services.plan_issue(actor=staff, plan=plan)
    services.plan_update(actor=staff, plan=plan, signer_title="BÍ THƯ", signer_name="Trần Văn Minh")
    services.target_add(actor=staff, plan=plan, metric=metric(Metric.ADMISSIONS), kind=Target.Kind.ABSOLUTE, low=5)
    services.plan_issue(actor=staff, plan=plan, issued_on=dt.date(2025, 2, 3))
    assert plan.number.text == "01-KH/HU"
    for call in (
        lambda: services.plan_update(actor=staff, plan=plan, title="Khác"),
        lambda: services.target_add(actor=staff, plan=plan, metric=metric(Metric.ADMISSIONS), low=1),
        lambda: services.allocations_save(actor=staff, plan=plan, rows=[]),
        lambda: services.plan_issue(actor=staff, plan=plan),
    ):
        with pytest.raises(ApplicationError, match="đã ban hành"):
            call()


def test_every_change_writes_an_event_with_old_and_new(district):
    plan = build_seed_002(district, issue=False)
    staff = district.staff
    services.plan_update(actor=staff, plan=plan, signer_name="Nguyễn Văn Tâm")
    event = PlanEvent.objects.filter(plan=plan, kind=PlanEvent.Kind.UPDATED).first()
    assert event.actor == staff and ["Người ký", "Đinh Thị Mai", "Nguyễn Văn Tâm"] in event.changes
    target = plan.targets.get()
    services.target_update(actor=staff, target=target, metric=target.metric, kind=Target.Kind.MINIMUM, low=90)
    changed = PlanEvent.objects.filter(plan=plan, kind=PlanEvent.Kind.TARGET_CHANGED).get()
    assert "từ 88 trở lên → từ 90 trở lên" in changed.summary
    key = column_key_of(metric(Metric.ADMISSIONS))
    services.allocations_save(
        actor=staff, plan=plan, rows=[services.AllocationRow(organization_id=district.units[0].pk, values={key: 5})]
    )
    last = PlanEvent.objects.filter(plan=plan, kind=PlanEvent.Kind.ALLOCATIONS).first()
    assert last.changes == [["Đảng bộ Công an huyện · Kết nạp", "3", "5"]]
    services.target_remove(actor=staff, target=target)
    assert PlanEvent.objects.filter(plan=plan, kind=PlanEvent.Kind.TARGET_REMOVED).exists()
    services.plan_sections_save(actor=staff, plan=plan, sections=[{"heading": "Mục đích", "body": "- Nâng cao"}])
    assert plan.sections.get().heading == "Mục đích"
    kinds = set(PlanEvent.objects.filter(plan=plan).values_list("kind", flat=True))
    assert {
        "created",
        "updated",
        "target_added",
        "target_changed",
        "target_removed",
        "allocations",
        "sections",
    } <= kinds


def test_allocations_outside_the_subtree_are_impossible(district, world):
    plan = build_seed_002(district, issue=False)
    key = column_key_of(metric(Metric.ADMISSIONS))
    for organization in (district.district, district.province, world.commune):
        with pytest.raises(ApplicationError) as error:
            services.allocations_save(
                actor=district.staff,
                plan=plan,
                rows=[services.AllocationRow(organization_id=organization.pk, values={key: 1})],
            )
        assert error.value.errors, organization
    assert Allocation.objects.filter(plan=plan, organization__in=[district.district, district.province]).count() == 0


def test_allocations_save_refuses_a_stale_revision(district):
    """Two office staff open the grid at revision r; the second save would overwrite the first: refused."""
    plan = build_seed_002(district, issue=False)
    key = column_key_of(metric(Metric.ADMISSIONS))
    opened_at = plan.revision
    row = services.AllocationRow(organization_id=district.units[0].pk, values={key: 4})
    services.allocations_save(actor=district.staff, plan=plan, rows=[row], revision=opened_at)
    other = services.AllocationRow(organization_id=district.units[0].pk, values={key: 6})
    with pytest.raises(ApplicationError, match="người khác lưu"):
        services.allocations_save(actor=district.staff, plan=plan, rows=[other], revision=opened_at)
    assert Allocation.objects.get(plan=plan, organization=district.units[0], key=key).quantity == 4


def test_plan_create_copies_last_year_and_shifts_years(district):
    old = build_seed_002(district)
    new = services.plan_create(
        actor=district.staff,
        issuer=district.district,
        kind=Plan.Kind.ANNUAL,
        start_year=2026,
        title="Phát triển đảng viên năm 2026",
        copy_from=old,
    )
    assert new.status == Plan.Status.DRAFT and new.number_id is None
    assert new.signer_name == "Đinh Thị Mai" and "2025" not in new.preamble_closing
    assert [t.text for t in new.targets.all()] == ["từ 88 trở lên"]
    assert selectors.annex_rows(user=district.staff, plan=new).total.text == "91 (04 HS)"


def test_cell_secretary_cannot_see_or_change_a_sibling_branch_plan(world):
    from tests.factories import grant, make_user

    from .access_cases import _plan

    secretary = world.users["cell_secretary"]
    sibling_plan = _plan(world.sibling_cell, Plan.Status.ISSUED)
    other_branch = _plan(world.other_commune, Plan.Status.ISSUED)
    base_draft = _plan(world.base)
    base_issued = _plan(world.base, Plan.Status.ISSUED)
    for plan in (sibling_plan, other_branch, base_draft):
        with pytest.raises(Http404):
            selectors.plan_get(user=secretary, pk=plan.pk)
    # The issued plan of the cell's own committee is readable (limited), never editable.
    seen = selectors.plan_get(user=secretary, pk=base_issued.pk)
    assert seen.limited
    with pytest.raises(PermissionDenied):
        selectors.plan_get(user=secretary, pk=base_issued.pk, action="edit_plans")
    with pytest.raises(Http404):  # the service decides on the issuer's scope: above the cell, not found
        services.plan_amend(actor=secretary, plan=base_issued)
    # Even an office-staff role on the sibling cell gives nothing on the sibling's neighbour.
    sibling_staff = make_user()
    grant(sibling_staff, world.sibling_cell, "office_staff")
    with pytest.raises(Http404):
        selectors.plan_get(user=sibling_staff, pk=_plan(world.cell).pk)
    with pytest.raises(Http404):
        services.plan_update(actor=sibling_staff, plan=_plan(world.cell), title="x")


def test_plan_checks_warn_when_allocations_fall_short(district):
    plan = build_seed_002(district, issue=False)
    key = column_key_of(metric(Metric.ADMISSIONS))
    services.allocations_save(
        actor=district.staff,
        plan=plan,
        rows=[services.AllocationRow(organization_id=u.pk, values={key: 5}) for u in district.units],
    )
    warnings = [c.message for c in selectors.plan_checks(user=district.staff, plan=plan) if c.level == "warning"]
    assert warnings == ["Tổng phân bổ “Kết nạp” là 75, thấp hơn chỉ tiêu của kế hoạch (từ 88 trở lên): còn thiếu 13."]
