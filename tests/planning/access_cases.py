"""Access cases for every URL of planning.urls (see tests/access/test_url_matrix.py).

Each case builds its object at the organization the matrix gives (a plan issued there, a proposal of that
organization ...) directly with the ORM, so the matrix checks the views' scoping, not the services.
"""

from __future__ import annotations

import datetime as dt

from organizations.models import Category
from planning.models import AllocationColumn, Metric, Plan, PlanSection, Proposal, ProposalRequest, Target
from tests.access.registry import UrlCase


def _metric() -> Metric:
    return Metric.objects.get(tenant__isnull=True, code=Metric.ADMISSIONS)


def _plan(org, status=Plan.Status.DRAFT) -> Plan:
    plan = Plan.objects.create(
        tenant_id=org.tenant_id,
        issuer=org,
        kind=Plan.Kind.ANNUAL,
        year=2025,
        start_year=2025,
        end_year=2025,
        title="Phát triển đảng viên năm 2025",
        status=status,
        signer_title="Bí thư",
        signer_name="Nguyễn Văn An",
    )
    PlanSection.objects.create(plan=plan, order=1, heading="Mục đích, yêu cầu", body="1. Mục đích")
    Target.objects.create(plan=plan, metric=_metric(), kind=Target.Kind.MINIMUM, low=10)
    AllocationColumn.objects.create(plan=plan, metric=_metric(), order=1)
    return plan


def _plan_case(action: str, data=None, status=Plan.Status.DRAFT) -> UrlCase:
    return UrlCase(action, lambda world, org: ([_plan(org, status).pk], data))


def _target(world, org):
    return [_plan(org).targets.get().pk], None


def _target_delete(world, org):
    return [_plan(org).targets.get().pk], {}


def _proposal_request(org) -> ProposalRequest:
    return ProposalRequest.objects.create(plan=_plan(org), metric=_metric(), deadline=dt.date(2025, 2, 26))


def _proposal_of(world, org):
    """A proposal asked of `org` (scope: the answering organization) by a committee plan."""
    request = _proposal_request(org)
    return [Proposal.objects.create(request=request, organization=org).pk], None


def _proposal_decide(world, org):
    """Deciding is the asking committee's act (scope: the plan's issuer)."""
    request = _proposal_request(org)
    proposal = Proposal.objects.create(request=request, organization=org, status="submitted", proposed=3)
    return [proposal.pk], {"decided": "3"}


def _accept_all(world, org):
    return [_proposal_request(org).pk], {}


PLAN_FORM = {
    "title": "Phát triển đảng viên năm 2025",
    "kind": "annual",
    "start_year": "2025",
    "signer_authority": "T/M BAN THƯỜNG VỤ",
    "issued_on": "15/01/2025",
}
SECTIONS_FORM = {
    "s-TOTAL_FORMS": "1",
    "s-INITIAL_FORMS": "0",
    "s-0-heading": "Mục đích, yêu cầu",
    "s-0-body": "1. Mục đích",
}


def _target_form():
    return {"metric": str(_metric().pk), "scope": "whole", "kind": "absolute", "low": "5", "category": ""}


def _column_form():
    return {"metric": str(_metric().pk), "category": str(Category.objects.get(tenant__isnull=True, code="nu").pk)}


CASES = {
    "plan_home": UrlCase(None, lambda world, org: ([], None)),
    "plan_list": UrlCase("view"),
    "plan_create": UrlCase(
        "edit_plans", lambda world, org: ([org.pk], {"kind": "annual", "start_year": "2025", "title": "Phát triển"})
    ),
    "plan_terms": UrlCase("edit_plans"),
    "plan_detail": _plan_case("view"),
    "plan_edit": _plan_case("edit_plans", PLAN_FORM),
    "plan_sections": _plan_case("edit_plans", SECTIONS_FORM),
    "plan_targets": UrlCase("edit_plans", lambda world, org: ([_plan(org).pk], _target_form())),
    "plan_target_edit": UrlCase("edit_plans", _target),
    "plan_target_delete": UrlCase("edit_plans", _target_delete),
    "allocation_grid": _plan_case("edit_plans"),
    "allocation_column_add": UrlCase("edit_plans", lambda world, org: ([_plan(org).pk], _column_form())),
    "allocation_export": _plan_case("view"),
    "allocation_import": _plan_case("edit_plans"),
    "plan_issue": _plan_case("edit_plans", {"issued_on": "15/01/2025"}),
    "plan_amend": _plan_case("edit_plans", {}, status=Plan.Status.ISSUED),
    "plan_history": _plan_case("view"),
    "proposal_list": _plan_case("view"),
    "proposal_request_create": _plan_case("edit_plans"),
    "proposal_submit": UrlCase("edit_plans", _proposal_of),
    "proposal_decide": UrlCase("edit_plans", _proposal_decide),
    "proposal_accept_all": UrlCase("edit_plans", _accept_all),
}
