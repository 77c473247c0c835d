"""The cell list, the board and the subtree "what is due" list run the same number of queries for a cell of 400
candidates and one of 50,000."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates.models import Candidate

from .factories import bulk_candidates


def _count(client, user, url) -> int:
    client.force_login(user)
    client.get(reverse("home"))  # the session's first request records its clocks (config.security): not counted
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_candidate_pages_query_count_does_not_grow_with_50000_candidates(client, world):
    bulk_candidates(world.sibling_cell, 400)
    bulk_candidates(world.cell, 50_000)
    assert Candidate.objects.filter(organization=world.cell).count() == 50_000
    secretary_small = world.users["cell_secretary"]
    from organizations.models import Role
    from tests.factories import grant, make_user

    secretary_big = make_user("bithu_lon")
    grant(secretary_big, world.cell, Role.CELL_SECRETARY)
    grant(secretary_small, world.sibling_cell, Role.CELL_SECRETARY)
    pages = {
        "cell list": lambda cell: reverse("candidate_list", args=[cell.pk]),
        "cell list filtered": lambda cell: reverse("candidate_list", args=[cell.pk]) + "?q=van&stage=dossier",
        "board": lambda cell: reverse("candidate_board", args=[cell.pk]),
        "cell due list": lambda cell: reverse("due_list", args=[cell.pk]),
    }
    for label, url in pages.items():
        small = _count(client, secretary_small, url(world.sibling_cell))
        big = _count(client, secretary_big, url(world.cell))
        assert small == big, f"{label}: {small} queries for 400 candidates, {big} for 50,000"
        assert big <= 14, f"{label}: {big} queries"
    # The subtree "what is due" list of the commune's office covers both cells (50,400 candidates).
    staff = world.users["office_staff"]
    subtree = _count(client, staff, reverse("due_list", args=[world.commune.pk]))
    subtree_list = _count(client, staff, reverse("candidate_list", args=[world.commune.pk]))
    small_due = _count(client, staff, reverse("due_list", args=[world.base.pk]))
    assert subtree == small_due and subtree <= 14 and subtree_list <= 14
