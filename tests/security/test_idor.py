"""IDOR: every URL that takes an id, asked with the id of an object of a sibling cell, of another commune and of
another tenant, by GET and by POST. Expected: 404 (405 where the method is not allowed before any lookup),
nothing written anywhere in the database, and no name of the other organization or tenant in the answer.
Also ids sent in the request body (a cell, a parent code, a plan, a category, candidates to enrol)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from candidates.models import Candidate, CandidateEvent, Enrolment
from organizations.models import Category, Organization, RoleAssignment
from planning.models import AllocationColumn
from tests.access.registry import all_cases
from tests.candidates.factories import make_candidate, make_class
from tests.planning.access_cases import _plan

from .snapshot import changed, db_snapshot

# Every name a form of the product might take, so that a view that forgot its scope would find a valid form.
GENERIC_POST = {
    "name": "Chi bộ giả mạo",
    "code": "GIA-MAO",
    "title": "Kế hoạch giả mạo",
    "full_name": "Lê Văn Giả",
    "username": "gia-mao",
    "password": "mat-khau-gia-mao-1",
    "role": "office_staff",
    "members": "10",
    "as_of": "31/12/2024",
    "on": "01/06/2025",
    "new_parent_code": "LD",
    "successor_code": "",
    "cell_code": "PRO-GV1",
    "issued_on": "15/01/2025",
    "decided": "3",
    "proposed": "3",
    "low": "5",
    "kind": "annual",
    "start_year": "2025",
    "note": "giả mạo",
    "reason": "giả mạo",
    "version": "1",
    "back": "1",
    "nhay_cam": "1",
}


def _names(*orgs: Organization) -> list[str]:
    return [org.name for org in orgs]


def _attacks(world):
    """(attacker role key, [(label, organization the object is placed at)], names that must never show)."""
    tenant_b = [world.root_b, world.commune_b, world.cell_b]
    b_people = ["Vũ Thu Hà", "Đỗ Ngọc Mai"]
    a_people = ["Nguyễn Thị Lan", "Trần Văn Hùng", "Lê Minh Tuấn", "Phạm Quốc Anh"]
    tenant_a = [world.root, world.commune, world.base, world.cell, world.sibling_cell, world.other_commune]
    committee_targets = [("other commune", world.other_commune), ("other commune's cell", world.other_cell)]
    b_targets = [("tenant B commune", world.commune_b), ("tenant B cell", world.cell_b)]
    return [
        (
            "cell_secretary",
            [("sibling cell", world.sibling_cell), ("other commune's cell", world.other_cell), *b_targets],
            _names(world.sibling_cell, world.other_commune, world.other_cell, *tenant_b) + b_people,
        ),
        ("office_staff", committee_targets + b_targets, _names(world.other_commune, world.other_cell, *tenant_b)),
        ("review_board", committee_targets + b_targets, _names(world.other_commune, world.other_cell, *tenant_b)),
        ("tenant_admin", [*b_targets, ("tenant B root", world.root_b)], _names(*tenant_b) + b_people),
        ("office_staff_b", [("tenant A cell", world.cell), ("tenant A commune", world.commune)], _names(*tenant_a)),
        (
            "tenant_admin_b",
            [("tenant A root", world.root), ("tenant A cell", world.cell)],
            _names(*tenant_a) + a_people,
        ),
    ]


def _attack_names(world):
    return [role for role, _, _ in _attacks(world)]


@pytest.mark.parametrize(
    "attacker", ["cell_secretary", "office_staff", "review_board", "tenant_admin", "office_staff_b", "tenant_admin_b"]
)
def test_idor_every_url_with_ids_of_another_cell_and_tenant(client, world, attacker):
    role, targets, forbidden = next(a for a in _attacks(world) if a[0] == attacker)
    client.force_login(world.users[role])
    # All objects first, then one snapshot, every request, and one snapshot: the database must not move.
    requests = []
    for name, case in sorted(all_cases().items()):
        if case.action is None:
            continue
        for label, org in targets:
            args, data = case.make(world, org)
            requests.append((name, label, reverse(name, args=args), {**GENERIC_POST, **(data or {})}))
    failures = []
    before = db_snapshot()
    for name, label, url, payload in requests:
        statuses = []
        for method in ("GET", "POST"):
            response = client.post(url, payload) if method == "POST" else client.get(url)
            statuses.append(response.status_code)
            html = response.content.decode(errors="replace")
            leaked = [text for text in forbidden if text in html]
            if leaked:
                failures.append(f"{role} {method} {name} [{label}]: shows {leaked}")
        if not set(statuses) <= {404, 405} or 404 not in statuses:
            failures.append(f"{role} {name} [{label}] {url}: GET/POST {statuses}, expected 404")
    written = changed(before, db_snapshot())
    if written:
        failures.append(f"{role}: requests wrote to {written}")
    assert not failures, "\n".join(failures)


# --- ids in the request body ---------------------------------------------------------------------------------


def _candidate_form(cell=None) -> dict:
    data = {
        "full_name": "Hoàng Thị Ánh",
        "listed_on": "02/01/2023",
        "sex": "female",
        "birth_date": "17/05/1998",
        "education": "upper_secondary",
        "occupation": "Giáo viên",
    }
    if cell is not None:
        data["cell"] = str(cell.pk)
    return data


def test_candidate_add_refuses_a_cell_outside_the_scope_in_the_body(client, world):
    client.force_login(world.users["office_staff"])
    url = reverse("candidate_add", args=[world.commune.pk])
    for foreign in (world.other_cell, world.cell_b):
        before = db_snapshot()
        response = client.post(url, _candidate_form(foreign))
        assert response.status_code == 200 and "cell" in response.context["form"].errors
        assert not changed(before, db_snapshot())
    # The same form with a cell of the scope is accepted (the test above is not refused for another reason).
    assert client.post(url, _candidate_form(world.cell)).status_code == 302
    assert Candidate.objects.get(full_name="Hoàng Thị Ánh").organization == world.cell


def test_candidate_add_with_a_category_of_another_tenant_is_refused(client, world):
    foreign = Category.objects.create(tenant=world.root_b, code="rieng-hn", name="Đối tượng riêng Hà Nội")
    client.force_login(world.users["cell_secretary"])
    before = db_snapshot()
    response = client.post(
        reverse("candidate_add", args=[world.cell.pk]), {**_candidate_form(), "categories": [foreign.pk]}
    )
    assert response.status_code == 200 and "categories" in response.context["form"].errors
    assert not changed(before, db_snapshot())


def test_class_enrol_refuses_candidates_of_another_cell_or_tenant(client, world):
    training_class = make_class(world.cell)
    client.force_login(world.users["cell_secretary"])
    for foreign in (make_candidate(world.sibling_cell), make_candidate(world.cell_b)):
        before = db_snapshot()
        client.post(reverse("class_enrol", args=[training_class.pk]), {"candidates": [foreign.pk]})
        assert not Enrolment.objects.exists()
        assert not changed(before, db_snapshot())


def test_candidate_transfer_to_a_cell_of_another_tenant_is_refused(client, world):
    # A transfer to a cell of another commune of the same tenant is allowed (Hướng dẫn 06-HD/TW, mục 3.9).
    candidate = make_candidate(world.cell)
    client.force_login(world.users["office_staff"])
    for code in (world.cell_b.code, "KHONG-CO"):
        before = db_snapshot()
        data = {"cell_code": code, "on": "01/06/2025", "version": str(candidate.version)}
        response = client.post(reverse("candidate_transfer", args=[candidate.pk]), data)
        assert response.status_code == 200
        assert not changed(before, db_snapshot())
    candidate.refresh_from_db()
    assert candidate.organization == world.cell
    assert not CandidateEvent.objects.filter(candidate=candidate, kind="transfer").exists()


def test_organization_move_and_dissolve_refuse_codes_of_another_tenant(client, world):
    client.force_login(world.users["tenant_admin"])
    before = db_snapshot()
    client.post(reverse("organization_move", args=[world.cell.pk]), {"new_parent_code": world.commune_b.code})
    client.post(
        reverse("organization_dissolve", args=[world.sibling_cell.pk]),
        {"on": "01/06/2025", "successor_code": world.cell_b.code},
    )
    assert not changed(before, db_snapshot())
    world.cell.refresh_from_db()
    assert world.cell.path.startswith(world.root.path)


def test_role_grant_cannot_take_over_an_account_of_another_tenant(client, world):
    client.force_login(world.users["tenant_admin"])
    before = db_snapshot()
    response = client.post(
        reverse("organization_roles", args=[world.commune.pk]), {"username": "vanphong_hn", "role": "office_staff"}
    )
    assert response.status_code == 200 and "đã được dùng" in response.content.decode()
    assert "Đỗ Ngọc Mai" not in response.content.decode()
    assert not changed(before, db_snapshot())
    assert not RoleAssignment.objects.filter(
        user=world.users["office_staff_b"], organization__tenant=world.root
    ).exists()


def test_workplace_switch_to_an_organization_of_another_tenant_is_refused(client, world):
    client.force_login(world.users["office_staff"])
    for foreign in (world.commune_b, world.other_commune, "abc", ""):
        pk = foreign.pk if isinstance(foreign, Organization) else foreign
        response = client.post(reverse("workplace_switch"), {"org": pk}, follow=True)
        assert response.status_code in (200, 404)
        assert client.session.get("current_organization_id") in (None, world.commune.pk)
        assert world.commune_b.name not in response.content.decode()


def test_plan_create_refuses_a_parent_or_copy_source_of_another_tenant(client, world):
    foreign_plan = _plan(world.commune_b)
    sibling_plan = _plan(world.other_commune)
    client.force_login(world.users["office_staff"])
    for field in ("parent_plan", "copy_from"):
        for plan in (foreign_plan, sibling_plan):
            before = db_snapshot()
            data = {"kind": "annual", "start_year": "2025", "title": "Phát triển", field: str(plan.pk)}
            response = client.post(reverse("plan_create", args=[world.commune.pk]), data)
            assert response.status_code == 200 and field in response.context["form"].errors
            assert not changed(before, db_snapshot())


def test_allocation_column_with_a_category_of_another_tenant_is_refused(client, world):
    from planning.models import Metric

    foreign = Category.objects.create(tenant=world.root_b, code="rieng-hn", name="Đối tượng riêng Hà Nội")
    plan = _plan(world.commune)
    client.force_login(world.users["office_staff"])
    metric = Metric.objects.get(tenant__isnull=True, code=Metric.ADMISSIONS)
    before = AllocationColumn.objects.filter(plan=plan).count()
    client.post(reverse("allocation_column_add", args=[plan.pk]), {"metric": metric.pk, "category": foreign.pk})
    assert AllocationColumn.objects.filter(plan=plan).count() == before
    assert not AllocationColumn.objects.filter(category=foreign).exists()


def test_allocation_grid_ignores_inputs_for_organizations_outside_the_plan(client, world):
    from planning.models import Allocation

    plan = _plan(world.commune)
    column = plan.columns.get()
    client.force_login(world.users["office_staff"])
    data = {f"q-{org.pk}-{column.key}": "7" for org in (world.cell_b, world.other_commune, world.commune_b)}
    data.update({f"ex-{world.cell_b.pk}": "giả mạo"})
    response = client.post(reverse("allocation_grid", args=[plan.pk]), data)
    assert response.status_code in (200, 302)
    assert not Allocation.objects.exclude(organization__path__startswith=world.commune.path).exists()


def test_document_request_for_a_subject_of_another_tenant_is_404(client, world):
    from tests.reports.access_cases import _letter

    letter = _letter(world.commune_b)
    client.force_login(world.users["office_staff"])
    before = db_snapshot()
    response = client.post(reverse("document_request"), {"kind": "letter", "subject": letter.pk})
    assert response.status_code == 404
    assert not changed(before, db_snapshot())


def test_sequential_ids_past_the_end_are_404_not_500(client, world):
    client.force_login(world.users["office_staff"])
    for name, case in sorted(all_cases().items()):
        if case.action is None:
            continue
        args, _ = case.make(world, world.commune)
        huge = [2**62 if isinstance(a, int) else a for a in args]
        response = client.get(reverse(name, args=huge))
        assert response.status_code in (404, 405), f"{name}: {response.status_code}"
