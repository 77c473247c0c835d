"""Two secretaries of the same cell work on the same candidate through the pages (issue 7, faults).

Each opens the page (the form carries the candidate's `version`), both save: the first save is kept, the second
is told in Vietnamese that someone else saved first, and nothing of the first is overwritten. The last test does it
with two truly simultaneous requests on PostgreSQL (row lock + version check).
"""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from candidates.models import Candidate, CandidateChange, CandidateEvent
from candidates.stages import EventKind, Stage
from organizations.models import Role
from tests.factories import grant, make_user

from .factories import make_candidate

STALE = "Hồ sơ này vừa được người khác cập nhật sau khi đồng chí mở trang. Chưa có gì được ghi"


def _version(html: str) -> int:
    match = re.search(r'<input type="hidden" name="version" value="(\d+)"', html)
    assert match, "the form has no version field"
    return int(match.group(1))


def _two_secretaries(world) -> tuple[Client, Client]:
    second = make_user("bithu_pho", full_name="Đặng Thị Thu")
    grant(second, world.cell, Role.CELL_SECRETARY)
    first_client, second_client = Client(), Client()
    first_client.force_login(world.users["cell_secretary"])
    second_client.force_login(second)
    return first_client, second_client


def _person(candidate: Candidate, **changes) -> dict:
    data = {
        "full_name": candidate.full_name,
        "sex": candidate.sex,
        "birth_date": f"{candidate.birth_date:%d/%m/%Y}",
        "education": candidate.education,
        "occupation": candidate.occupation,
    }
    return {**data, **changes}


@pytest.mark.django_db
def test_two_secretaries_edit_the_same_candidate_second_is_told_nothing_overwritten(world):
    candidate = make_candidate(world.cell, occupation="Nông dân")
    first, second = _two_secretaries(world)
    url = reverse("candidate_edit", args=[candidate.pk])
    first_version = _version(first.get(url).content.decode())
    second_version = _version(second.get(url).content.decode())
    assert first_version == second_version == 1

    saved = first.post(url, {**_person(candidate, occupation="Giáo viên"), "version": first_version})
    assert saved.status_code == 302 and saved["Location"] == reverse("candidate_detail", args=[candidate.pk])

    refused = second.post(url, {**_person(candidate, occupation="Kế toán"), "version": second_version})
    html = refused.content.decode()
    assert refused.status_code == 200
    assert STALE in html
    assert 'value="Kế toán"' in html, "the second secretary's input is shown again, not lost"
    candidate.refresh_from_db()
    assert (candidate.occupation, candidate.version) == ("Giáo viên", 2)
    changes = CandidateChange.objects.filter(candidate=candidate, field="occupation")
    assert [(c.old, c.new, c.actor.username) for c in changes] == [("Nông dân", "Giáo viên", "bithu")]

    # Reloaded, the page shows the first save and the new version; saving again is then a deliberate change.
    page = second.get(url).content.decode()
    assert 'value="Giáo viên"' in page and _version(page) == 2
    again = second.post(url, {**_person(candidate, occupation="Kế toán"), "version": 2})
    assert again.status_code == 302
    candidate.refresh_from_db()
    assert (candidate.occupation, candidate.version) == ("Kế toán", 3)


@pytest.mark.django_db
def test_two_secretaries_record_the_same_step_second_is_told_only_one_event(world):
    candidate = make_candidate(world.cell)
    first, second = _two_secretaries(world)
    url = reverse("candidate_step", args=[candidate.pk, "outstanding"])
    first_version = _version(first.get(url).content.decode())
    second_version = _version(second.get(url).content.decode())

    saved = first.post(url, {"outstanding_on": "06/03/2025", "helper_name": "Lê Văn Tâm", "version": first_version})
    assert saved.status_code == 302
    refused = second.post(
        url, {"outstanding_on": "10/03/2025", "helper_name": "Phạm Thị Hoa", "version": second_version}
    )
    # The step is no longer possible from the candidate's new stage: the page says so instead of the form.
    assert refused.status_code == 200
    assert (
        "Không thể thực hiện “Đưa vào danh sách quần chúng ưu tú” khi quần chúng đang ở bước “Quần chúng ưu tú”"
        in refused.content.decode()
    )

    candidate.refresh_from_db()
    assert candidate.stage == Stage.OUTSTANDING and candidate.version == 2
    assert f"{candidate.outstanding_on:%d/%m/%Y}" == "06/03/2025"
    assert CandidateEvent.objects.filter(candidate=candidate, kind=EventKind.OUTSTANDING).count() == 1
    assert list(candidate.people.values_list("full_name", flat=True)) == ["Lê Văn Tâm"]


@pytest.mark.django_db
def test_a_step_opened_before_another_secretarys_step_is_refused_though_still_possible(world):
    """The second step ("stop considering") would still be allowed from the new stage: only the version tells that
    the page was opened before the first secretary's step, and the second secretary is asked to look again."""
    candidate = make_candidate(world.cell)
    first, second = _two_secretaries(world)
    outstanding_url = reverse("candidate_step", args=[candidate.pk, "outstanding"])
    drop_url = reverse("candidate_step", args=[candidate.pk, "drop"])
    first_version = _version(first.get(outstanding_url).content.decode())
    second_version = _version(second.get(drop_url).content.decode())

    saved = first.post(
        outstanding_url, {"outstanding_on": "06/03/2025", "helper_name": "Lê Văn Tâm", "version": first_version}
    )
    assert saved.status_code == 302
    refused = second.post(
        drop_url, {"exit_reason": "moved_away", "exit_on": "07/03/2025", "exit_note": "", "version": second_version}
    )
    assert refused.status_code == 200 and STALE in refused.content.decode()
    candidate.refresh_from_db()
    assert candidate.stage == Stage.OUTSTANDING and candidate.version == 2
    assert not CandidateEvent.objects.filter(candidate=candidate, kind=EventKind.DROPPED).exists()


@pytest.mark.django_db
def test_an_edit_form_opened_before_a_step_is_refused_and_the_step_kept(world):
    candidate = make_candidate(world.cell, occupation="Nông dân")
    first, second = _two_secretaries(world)
    edit_url = reverse("candidate_edit", args=[candidate.pk])
    step_url = reverse("candidate_step", args=[candidate.pk, "outstanding"])
    edit_version = _version(first.get(edit_url).content.decode())
    step_version = _version(second.get(step_url).content.decode())

    step = second.post(step_url, {"outstanding_on": "06/03/2025", "helper_name": "Lê Văn Tâm", "version": step_version})
    assert step.status_code == 302
    refused = first.post(edit_url, {**_person(candidate, occupation="Giáo viên"), "version": edit_version})
    assert refused.status_code == 200 and STALE in refused.content.decode()
    candidate.refresh_from_db()
    assert (candidate.stage, candidate.occupation, candidate.version) == (Stage.OUTSTANDING, "Nông dân", 2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_on_postgresql_exactly_one_is_kept(reference_defaults, world):
    """Both requests reach the server at the same moment with the same version: the row lock serialises them and
    the version check refuses the second, whichever it is."""
    if connection.vendor != "postgresql":
        pytest.fail("Needs PostgreSQL: set DATABASE_URL=postgres://… (bin/test deselects this marker otherwise).")
    candidate = make_candidate(world.cell, occupation="Nông dân")
    clients = _two_secretaries(world)
    url = reverse("candidate_edit", args=[candidate.pk])
    occupations = ["Giáo viên", "Kế toán"]
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def save(index: int) -> None:
        try:
            barrier.wait(10)
            data = {**_person(candidate, occupation=occupations[index]), "version": 1}
            response = clients[index].post(url, data)
            results[index] = (response.status_code, STALE in response.content.decode())
        except Exception as exc:  # asserted below
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results, key=str) == [(200, True), (302, False)], results
    winner = occupations[[r[0] for r in results].index(302)]
    candidate.refresh_from_db()
    assert (candidate.occupation, candidate.version) == (winner, 2)
    assert CandidateChange.objects.filter(candidate=candidate, field="occupation").count() == 1


@pytest.fixture
def reference_defaults(transactional_db):
    """A transactional test's flush empties the tables the data migrations filled: put the shared rows back."""
    from organizations.defaults import install_defaults
    from planning.defaults import install_metrics

    install_defaults()
    install_metrics()
