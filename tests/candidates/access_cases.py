"""Every URL of candidates.urls for the access matrix (tests/access/test_url_matrix.py): objects are placed at the
organization under test, so a role outside that subtree must get 404, inside it 403 without the action."""

import datetime as dt

from candidates.models import Holiday
from tests.access.registry import UrlCase
from tests.candidates.factories import enrol, make_candidate, make_class


def _candidate(world, org, data=None):
    return [make_candidate(org).pk], data


def _candidate_post(world, org):
    return [make_candidate(org).pk], {}


def _step(world, org):
    return [make_candidate(org).pk, "outstanding"], None


def _person_end(world, org):
    candidate = make_candidate(org)
    person = candidate.people.create(role="helper", kind="member", full_name="Lê Văn Tâm")
    return [candidate.pk, person.pk], {}


def _holiday_delete(world, org):
    holiday, _ = Holiday.objects.get_or_create(
        tenant_id=org.tenant_id, date=dt.date(2025, 11, 24), defaults={"name": "Ngày nghỉ riêng"}
    )
    return [org.pk, holiday.pk], {}


def _class(world, org):
    return [make_class(org).pk], None


def _unenrol(world, org):
    training_class = make_class(org)
    enrolment = enrol(training_class, make_candidate(org))
    return [training_class.pk, enrolment.pk], {}


CASES = {
    "candidate_list": UrlCase("view"),
    "candidate_board": UrlCase("view"),
    "candidate_add": UrlCase("manage_candidates"),
    "candidate_import": UrlCase("manage_candidates"),
    "candidate_export": UrlCase("view"),
    "due_list": UrlCase("view"),
    "due_holidays": UrlCase("view"),
    "due_holiday_delete": UrlCase("manage_tree", _holiday_delete),
    "candidate_detail": UrlCase("view", _candidate),
    "candidate_sensitive": UrlCase("view_sensitive", _candidate_post),
    "candidate_edit": UrlCase("manage_candidates", _candidate),
    "candidate_step": UrlCase("manage_candidates", _step),
    "candidate_correct": UrlCase("manage_candidates", _candidate),
    "candidate_transfer": UrlCase("manage_candidates", _candidate),
    "candidate_person_add": UrlCase("manage_candidates", _candidate),
    "candidate_person_end": UrlCase("manage_candidates", _person_end),
    "candidate_history": UrlCase("view", _candidate),
    "class_list": UrlCase("view"),
    "class_add": UrlCase("manage_candidates"),
    "class_detail": UrlCase("view", _class),
    "class_edit": UrlCase("manage_candidates", _class),
    "class_enrol": UrlCase("manage_candidates", _class),
    "class_unenrol": UrlCase("manage_candidates", _unenrol),
    "class_results": UrlCase("manage_candidates", _class),
    "class_results_import": UrlCase("manage_candidates", _class),
    "class_results_export": UrlCase("view", _class),
}
