"""The seed plans entered as data show the figures their documents print."""

import datetime as dt
from decimal import Decimal

from planning import selectors, services
from planning.models import Metric, Plan, Proposal, Target

from .seeds import SEED_000_CELLS, SEED_001_EXEMPT, build_seed_000, build_seed_001, build_seed_002, build_seed_004


def test_seed_002_annex_allocates_91_against_88_or_more(district):
    plan = build_seed_002(district)
    staff = district.staff
    assert plan.status == Plan.Status.ISSUED and plan.number.text == "12-KH/HU"
    (target,) = selectors.plan_targets(user=staff, plan=plan)
    assert target.text == "từ 88 trở lên" and target.floor == 88
    annex = selectors.annex_rows(user=staff, plan=plan)
    assert annex.title == "PHÂN BỔ CHỈ TIÊU PHÁT TRIỂN ĐẢNG VIÊN NĂM 2025"
    assert [r.stt for r in annex.rows] == [f"{i:02d}" for i in range(1, 16)]
    texts = [r.text for r in annex.rows]
    assert texts[:10] == ["03", "10", "09", "06", "09", "07", "06", "09", "09", "09"]
    assert texts[10:] == ["03 (01 HS)", "03 (01 HS)", "03 (01 HS)", "03 (01 HS)", "02"]
    assert annex.rows[0].name == "Đảng bộ Công an huyện"
    assert annex.total.total == 91 and annex.total.text == "91 (04 HS)"
    # Over-allocation is allowed: an information line, no warning.
    checks = selectors.plan_checks(user=staff, plan=plan)
    assert not [c for c in checks if c.level == "warning"]
    assert any("91" in c.message and "88" in c.message for c in checks)


def test_seed_002_allocations_for_reports_by_metric_and_category(district):
    plan = build_seed_002(district)
    rows = selectors.allocations_for_plan(user=district.board, plan=plan)
    assert len(rows) == 15
    school = rows[10]
    assert school.organization.name == "Chi bộ Trường THPT Đơn Dương"
    assert school.quotas == {("ket-nap", None, None): 3, ("ket-nap", "hoc-sinh", None): 1}
    assert sum(r.quotas[("ket-nap", None, None)] for r in rows) == 91


def test_seed_004_rate_target_and_training_targets(db):
    plan, staff, _ = build_seed_004()
    targets = selectors.plan_targets(user=staff, plan=plan)
    rate = targets[0]
    assert rate.kind == Target.Kind.RATE
    assert rate.base_members == 5465 and rate.base_as_of == dt.date(2023, 12, 31)
    assert rate.computed == Decimal("218.60") and rate.confirmed == 220 and rate.floor == 220
    assert rate.text == "4% (220)"
    by_category = {t.category.code: t.floor for t in targets if t.category_id}
    assert by_category == {
        "khoi-hanh-chinh": 135,
        "khoi-doanh-nghiep-nha-nuoc": 40,
        "khoi-kinh-te-tu-nhan": 30,
        "sinh-vien": 15,
    }
    assert sum(v for k, v in by_category.items() if k.startswith("khoi-")) + by_category["sinh-vien"] == 220
    training = {t.metric.code: t.floor for t in targets if t.metric.code != Metric.ADMISSIONS}
    assert training == {
        Metric.AWARENESS_CLASSES: 4,
        Metric.AWARENESS_TRAINEES: 320,
        Metric.NEW_MEMBER_CLASSES: 3,
        Metric.NEW_MEMBER_TRAINEES: 240,
    }


def test_seed_004_proposals_by_deadline_become_allocations(db):
    plan, staff, bases = build_seed_004()
    (request,) = selectors.proposal_requests_of(user=staff, plan=plan)
    assert request.deadline == dt.date(2024, 2, 26)
    assert len(request.waiting) == 4 and not request.answered
    proposals = {p.organization_id: p for p in request.proposals.all()}
    services.proposal_submit(actor=staff, proposal=proposals[bases[0].pk], proposed=60, note="Có 64 quần chúng ưu tú")
    services.proposal_submit(actor=staff, proposal=proposals[bases[1].pk], proposed=35)
    (request,) = selectors.proposal_requests_of(user=staff, plan=plan)
    assert [p.organization.name for p in request.waiting] == [bases[2].name, bases[3].name]
    services.proposal_decide(actor=staff, proposal=proposals[bases[1].pk], decided=40)  # adjusted
    assert services.proposals_accept_all(actor=staff, request=request) == 1
    quotas = {r.organization.pk: r.quotas for r in selectors.allocations_for_plan(user=staff, plan=plan)}
    assert quotas[bases[0].pk] == {("ket-nap", None, None): 60}
    assert quotas[bases[1].pk] == {("ket-nap", None, None): 40}
    assert Proposal.objects.get(pk=proposals[bases[1].pk].pk).status == Proposal.Status.ADJUSTED


def test_seed_001_term_targets_each_year_and_exemptions(db):
    plan, children = build_seed_001()
    staff = plan.created_by
    services.plan_update(actor=staff, plan=plan, signer_title="PHÓ BÍ THƯ THƯỜNG TRỰC", signer_name="Đình Nguyên Mạnh")
    plan.refresh_from_db()
    assert (plan.start_year, plan.end_year) == (2025, 2030)
    assert plan.kind == Plan.Kind.TERM and plan.period_label == "nhiệm kỳ 2025-2030"
    assert plan.years == [2025, 2026, 2027, 2028, 2029, 2030]
    targets = selectors.plan_targets(user=staff, plan=plan)
    texts = [(t.metric.code, t.scope, t.text, t.period_text) for t in targets]
    assert texts == [
        (Metric.ADMISSIONS, Target.Scope.WHOLE, "từ 90 trở lên", "mỗi năm"),
        (Metric.AWARENESS_TRAINEES, Target.Scope.WHOLE, "từ 100 trở lên", "mỗi năm"),
        (Metric.AWARENESS_TRAINEES, Target.Scope.EACH_CELL, "từ 05 trở lên", "mỗi năm"),
        (Metric.ADMISSIONS, Target.Scope.EACH_CHILD, "03-05", "mỗi năm"),
    ]
    by_name = {o.name: o for o in children}
    hospital = selectors.quota_for(user=staff, plan=plan, organization=by_name["Đảng bộ Bệnh viện Bạch Mai"])
    assert [(i.metric.code, i.low, i.high, i.each_year) for i in hospital.items] == [(Metric.ADMISSIONS, 3, 5, True)]
    assert hospital.items[0].text == "03-05 mỗi năm"
    for name, reason in SEED_001_EXEMPT.items():
        quota = selectors.quota_for(user=staff, plan=plan, organization=by_name[name])
        assert quota.exempt_reason == reason and quota.items == []
    annex = selectors.annex_rows(user=staff, plan=plan)
    assert {r.name: r.text for r in annex.rows} == dict.fromkeys(SEED_001_EXEMPT, "Miễn")


def test_seed_000_range_and_eight_named_cells(db):
    plan, _ = build_seed_000()
    staff = plan.created_by
    (target,) = selectors.plan_targets(user=staff, plan=plan)
    assert target.text == "10-12" and target.floor == 10 and target.high == 12
    annex = selectors.annex_rows(user=staff, plan=plan)
    assert [r.name for r in annex.rows] == [f"Chi bộ thôn {n}" for n in SEED_000_CELLS]
    assert all(r.text == "01" for r in annex.rows) and annex.total.total == 8
    # Eight cells at one each do not reach the commune's 10: a warning with the figures.
    warnings = [c.message for c in selectors.plan_checks(user=staff, plan=plan) if c.level == "warning"]
    assert any("08" in m and "10-12" in m and "thiếu 02" in m for m in warnings), warnings
