"""Moving or merging organizations keeps the path copies of candidates and events (used by report counts)."""

import datetime as dt

from candidates.models import Candidate, CandidateEvent
from organizations import services

from .factories import make_candidate


def test_moving_a_branch_rewrites_the_path_copies_of_its_candidates_and_events(world):
    inside = make_candidate(world.cell)
    elsewhere = make_candidate(world.other_cell)
    services.organization_move(
        actor=world.users["tenant_admin"], organization=world.base, new_parent=world.other_commune
    )
    world.cell.refresh_from_db()
    inside.refresh_from_db()
    assert inside.org_path == world.cell.path
    assert set(CandidateEvent.objects.filter(candidate=inside).values_list("org_path", flat=True)) == {world.cell.path}
    elsewhere.refresh_from_db()
    world.other_cell.refresh_from_db()
    assert elsewhere.org_path == world.other_cell.path
    assert Candidate.objects.filter(org_path__startswith=world.other_commune.path).count() == 2


def test_merging_a_committee_moves_the_copies_under_the_successor(world):
    candidate = make_candidate(world.cell)
    services.organization_dissolve(
        actor=world.users["tenant_admin"],
        organization=world.commune,
        on=dt.date(2025, 7, 1),
        successor=world.other_commune,
    )
    candidate.refresh_from_db()
    world.other_commune.refresh_from_db()
    assert candidate.org_path.startswith(world.other_commune.path)
    assert candidate.org_path == candidate.organization.path
