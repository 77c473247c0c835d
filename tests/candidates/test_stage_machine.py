"""The stage machine: every step not allowed is refused in Vietnamese; stage and event change together; rules
block, late deadlines warn; corrections and cancellations keep the counts right."""

import datetime as dt

import pytest

from candidates import selectors, services
from candidates.models import Candidate, CandidateChange, CandidateEvent
from candidates.stages import STEPS, EventKind, Stage, steps_from
from config.errors import ApplicationError
from organizations.models import Role
from tests.factories import grant, make_user

from .factories import add_introducers, make_candidate

D = dt.date


def _advance(world, candidate, code, **values):
    return services.candidate_advance(
        actor=world.users["cell_secretary"], candidate=candidate, step_code=code, values=values
    )


def _in_dossier(world, **fields):
    values = {
        "awareness_cert_number": "GCN-12",
        "awareness_cert_on": D(2024, 6, 1),
        "dossier_on": D(2024, 9, 2),
        "outstanding_on": D(2024, 3, 1),
    }
    values.update(fields)
    candidate = make_candidate(world.cell, stage=Stage.DOSSIER, **values)
    add_introducers(candidate)
    return candidate


CELL_VOTE = {"cell_resolution_on": D(2025, 1, 10), "cell_votes_for": 7, "cell_members_counted": 9}


@pytest.mark.django_db
def test_candidate_advance_refuses_every_step_not_allowed_from_each_stage(world):
    refused = 0
    for stage in Stage:
        candidate = make_candidate(world.cell, stage=stage)
        for step in STEPS:
            if stage in step.sources:
                continue
            with pytest.raises(ApplicationError) as caught:
                _advance(world, candidate, step.code)
            assert caught.value.message.startswith(f"Không thể thực hiện “{step.label}”")
            assert f"“{stage.label}”" in caught.value.message
            refused += 1
        candidate.refresh_from_db()
        assert candidate.stage == stage
    assert refused > 100
    assert not CandidateEvent.objects.exclude(kind=EventKind.CREATED).exists()


@pytest.mark.django_db
def test_candidate_advance_refuses_unknown_step(world):
    with pytest.raises(ApplicationError, match="Bước không hợp lệ"):
        _advance(world, make_candidate(world.cell), "nhay-coc")


@pytest.mark.django_db
def test_candidate_advance_requires_the_fields_of_the_step(world):
    candidate = make_candidate(world.cell)
    with pytest.raises(ApplicationError) as caught:
        _advance(world, candidate, "outstanding", outstanding_on=D(2025, 1, 6))
    assert "helper_name" in caught.value.errors


@pytest.mark.django_db
def test_candidate_advance_changes_stage_and_appends_event_together(world):
    candidate = make_candidate(world.cell)
    result = _advance(world, candidate, "outstanding", outstanding_on=D(2025, 1, 6), helper_name="Lê Văn Tâm")
    candidate.refresh_from_db()
    assert candidate.stage == Stage.OUTSTANDING and candidate.version == 2
    assert result.event.kind == EventKind.OUTSTANDING and result.event.org_path == world.cell.path
    assert result.event.from_stage == Stage.SOURCE and result.event.to_stage == Stage.OUTSTANDING
    assert candidate.people.get().full_name == "Lê Văn Tâm"
    assert CandidateChange.objects.filter(candidate=candidate, field="stage").exists()


@pytest.mark.django_db
def test_cell_resolution_refuses_the_day_before_18_full_years(world):
    # Quy định 294-QĐ/TW, mục 1.1.1.
    candidate = _in_dossier(world, birth_date=D(2007, 3, 31), dossier_on=D(2025, 2, 3))
    with pytest.raises(ApplicationError) as caught:
        _advance(world, candidate, "cell_resolution", **{**CELL_VOTE, "cell_resolution_on": D(2025, 2, 28)})
    assert "chưa đủ 18 tuổi" in str(caught.value.errors)
    assert "01/03/2025" in str(caught.value.errors)
    _advance(world, candidate, "cell_resolution", **{**CELL_VOTE, "cell_resolution_on": D(2025, 3, 1)})


@pytest.mark.django_db
def test_cell_resolution_refuses_a_certificate_past_its_60th_month(world):
    # Hướng dẫn 06-HD/TW, mục 5.4 điểm b.
    candidate = _in_dossier(world, awareness_cert_on=D(2020, 1, 9), dossier_on=D(2024, 9, 2))
    with pytest.raises(ApplicationError, match="Chưa thể ghi") as caught:
        _advance(world, candidate, "cell_resolution", **{**CELL_VOTE, "cell_resolution_on": D(2025, 1, 10)})
    assert "quá 60 tháng" in str(caught.value.errors)
    _advance(world, candidate, "cell_resolution", **{**CELL_VOTE, "cell_resolution_on": D(2025, 1, 9)})


@pytest.mark.django_db
def test_cell_resolution_refuses_a_dossier_older_than_12_months_until_renewed(world):
    # Hướng dẫn 06-HD/TW, mục 5.4 điểm a.
    candidate = _in_dossier(world, dossier_on=D(2024, 1, 5))
    with pytest.raises(ApplicationError) as caught:
        _advance(world, candidate, "cell_resolution", **CELL_VOTE)
    assert "quá 12 tháng" in str(caught.value.errors)
    _advance(world, candidate, "dossier_renewed", dossier_on=D(2024, 12, 20))
    result = _advance(world, candidate, "cell_resolution", **CELL_VOTE)
    assert result.candidate.stage == Stage.CELL_PROPOSED


@pytest.mark.django_db
def test_cell_resolution_needs_two_thirds_of_full_members(world):
    candidate = _in_dossier(world)
    with pytest.raises(ApplicationError) as caught:
        _advance(world, candidate, "cell_resolution", **{**CELL_VOTE, "cell_votes_for": 5})
    assert "hai phần ba" in caught.value.errors["cell_votes_for"][0]


@pytest.mark.django_db
def test_dossier_needs_introducers_with_12_months_together(world):
    candidate = make_candidate(world.cell, stage=Stage.TRAINED, awareness_cert_on=D(2024, 6, 1))
    with pytest.raises(ApplicationError) as caught:
        _advance(world, candidate, "dossier", dossier_on=D(2024, 9, 2))
    assert "hai đảng viên chính thức" in str(caught.value.errors)
    add_introducers(candidate, since=D(2023, 9, 3))
    with pytest.raises(ApplicationError, match="Chưa thể ghi"):
        _advance(world, candidate, "dossier", dossier_on=D(2024, 9, 2))
    assert _advance(world, candidate, "dossier", dossier_on=D(2024, 9, 3)).candidate.stage == Stage.DOSSIER


@pytest.mark.django_db
def test_admission_from_a_cell_under_a_base_committee_needs_the_base_resolution(world):
    candidate = _in_dossier(world)
    _advance(world, candidate, "cell_resolution", **CELL_VOTE)
    decision = {
        "decision_number": "125-QĐ/ĐU",
        "decision_on": D(2025, 2, 20),
        "decision_body": "Ban Thường vụ Đảng ủy xã",
        "decision_votes_for": 5,
        "decision_members_counted": 7,
    }
    with pytest.raises(ApplicationError) as caught:
        _advance(world, candidate, "admission", **decision)
    assert "8-KNĐ" in str(caught.value.errors)
    _advance(
        world,
        candidate,
        "base_resolution",
        base_resolution_on=D(2025, 1, 20),
        base_votes_for=9,
        base_members_counted=11,
    )
    assert _advance(world, candidate, "admission", **decision).candidate.stage == Stage.ADMITTED


@pytest.mark.django_db
def test_admission_over_60_needs_provincial_consent_before_the_decision(world):
    candidate = _in_dossier(world, birth_date=D(1964, 5, 2))
    result = _advance(world, candidate, "cell_resolution", **CELL_VOTE)
    assert any("trên 60 tuổi" in w for w in result.warnings)
    _advance(
        world,
        candidate,
        "base_resolution",
        base_resolution_on=D(2025, 1, 20),
        base_votes_for=9,
        base_members_counted=11,
    )
    decision = {
        "decision_number": "7-QĐ/ĐU",
        "decision_on": D(2025, 2, 20),
        "decision_body": "Ban Thường vụ",
        "decision_votes_for": 5,
        "decision_members_counted": 7,
    }
    with pytest.raises(ApplicationError, match="Chưa thể ghi"):
        _advance(world, candidate, "admission", **decision)
    _advance(world, candidate, "senior_consent", senior_consent_number="15-CV/TU", senior_consent_on=D(2025, 2, 10))
    assert _advance(world, candidate, "admission", **decision).candidate.stage == Stage.ADMITTED


@pytest.mark.django_db
def test_admission_after_45_working_days_is_recorded_late_not_refused(world):
    # Quy định 294-QĐ/TW, mục 4.3.1: the deadline is 21/03/2025 across Tết 2025; a late decision stands.
    candidate = _in_dossier(world)
    _advance(world, candidate, "cell_resolution", **CELL_VOTE)
    _advance(
        world,
        candidate,
        "base_resolution",
        base_resolution_on=D(2025, 1, 20),
        base_votes_for=9,
        base_members_counted=11,
    )
    candidate.refresh_from_db()
    assert candidate.next_due_on == D(2025, 3, 21) and candidate.next_due_kind == "decision"
    decision = {"decision_number": "9", "decision_body": "BTV", "decision_votes_for": 5, "decision_members_counted": 7}
    result = _advance(world, candidate, "admission", decision_on=D(2025, 3, 24), **decision)
    assert result.event.late and "45 ngày làm việc" in result.warnings[0]


@pytest.mark.django_db
def test_recognition_is_dated_at_the_end_of_the_12_months_even_when_late(world):
    candidate = make_candidate(
        world.cell,
        stage=Stage.PROBATION,
        ceremony_on=D(2024, 3, 15),
        probation_ends_on=D(2025, 3, 15),
        new_member_cert_number="ĐVM-3",
        new_member_cert_on=D(2024, 8, 1),
    )
    values = {
        "recognition_cell_resolution_on": D(2025, 6, 2),
        "recognition_votes_for": 8,
        "recognition_members_counted": 9,
        "recognition_number": "16-QĐ/ĐU",
        "recognition_on": D(2025, 6, 20),
        "recognition_body": "Ban Thường vụ",
    }
    result = _advance(world, candidate, "recognition", **values)
    assert result.candidate.full_member_from == D(2025, 3, 15)
    assert result.event.late


@pytest.mark.django_db
def test_recognition_refused_before_the_12_months_end(world):
    candidate = make_candidate(
        world.cell, stage=Stage.PROBATION, probation_ends_on=D(2025, 3, 15), new_member_cert_on=D(2024, 8, 1)
    )
    values = {
        "recognition_cell_resolution_on": D(2025, 3, 14),
        "recognition_votes_for": 8,
        "recognition_members_counted": 9,
        "recognition_number": "16",
        "recognition_on": D(2025, 3, 20),
        "recognition_body": "BTV",
    }
    with pytest.raises(ApplicationError):
        _advance(world, candidate, "recognition", **values)


DECIDED_ON = D(2025, 2, 20)


def _admit(world, candidate, on=DECIDED_ON):
    _advance(world, candidate, "cell_resolution", **CELL_VOTE)
    _advance(
        world,
        candidate,
        "base_resolution",
        base_resolution_on=D(2025, 1, 20),
        base_votes_for=9,
        base_members_counted=11,
    )
    decision = {"decision_number": "9", "decision_body": "BTV", "decision_votes_for": 5, "decision_members_counted": 7}
    return _advance(world, candidate, "admission", decision_on=on, **decision)


@pytest.mark.django_db
def test_correction_restores_the_previous_stage_and_removes_the_event_from_counts(world):
    candidate = _in_dossier(world)
    _admit(world, candidate)
    count = selectors.event_counts(
        user=world.users["office_staff"], organization=world.commune, start=D(2025, 1, 1), end=D(2025, 12, 31)
    )
    assert count == {EventKind.ADMISSION: 1}
    result = services.candidate_correct(
        actor=world.users["cell_secretary"], candidate=candidate, reason="Ghi nhầm người"
    )
    candidate.refresh_from_db()
    assert candidate.stage == Stage.BASE_PROPOSED and candidate.decision_number == "" and candidate.decision_on is None
    assert result.event.kind == EventKind.CORRECTION and result.event.corrects.kind == EventKind.ADMISSION
    assert CandidateEvent.objects.get(kind=EventKind.ADMISSION).voided
    count = selectors.event_counts(
        user=world.users["office_staff"], organization=world.commune, start=D(2025, 1, 1), end=D(2025, 12, 31)
    )
    assert count == {}
    assert candidate.next_due_kind == "decision"


@pytest.mark.django_db
def test_candidate_correct_undoes_steps_one_by_one_never_a_correction(world):
    candidate = make_candidate(world.cell)
    _advance(world, candidate, "outstanding", outstanding_on=D(2025, 1, 6), helper_name="Lê Văn Tâm")
    _advance(world, candidate, "trained", awareness_cert_number="12", awareness_cert_on=D(2025, 3, 10))
    services.candidate_correct(actor=world.users["cell_secretary"], candidate=candidate, reason="Sai số giấy")
    candidate.refresh_from_db()
    assert candidate.stage == Stage.OUTSTANDING and candidate.awareness_cert_number == ""
    services.candidate_correct(actor=world.users["cell_secretary"], candidate=candidate, reason="Sai người")
    candidate.refresh_from_db()
    assert candidate.stage == Stage.SOURCE and candidate.people.get().ended_on is not None
    with pytest.raises(ApplicationError, match="Không có bước nào"):
        services.candidate_correct(actor=world.users["cell_secretary"], candidate=candidate, reason="Thêm")


@pytest.mark.django_db
def test_cancelled_decision_stops_counting_the_admission(world):
    # Quy định 294-QĐ/TW, mục 4.4.
    candidate = _in_dossier(world)
    _admit(world, candidate)
    _advance(world, candidate, "cancel", exit_document="3-QĐ/ĐU", exit_on=D(2025, 4, 2), exit_note="Sai tiêu chuẩn")
    user = world.users["review_board"]
    period = {"start": D(2025, 1, 1), "end": D(2025, 12, 31)}
    counts = selectors.event_counts(
        user=user, organization=world.commune, kinds=(EventKind.ADMISSION, EventKind.CANCELLED), **period
    )
    assert counts == {EventKind.CANCELLED: 1}
    services.candidate_correct(actor=world.users["cell_secretary"], candidate=candidate, reason="Nhầm hồ sơ")
    counts = selectors.event_counts(user=user, organization=world.commune, **period)
    assert counts == {EventKind.ADMISSION: 1}


@pytest.mark.django_db
def test_event_counts_by_child_of_the_organization(world):
    _admit(world, _in_dossier(world))
    counts = selectors.event_counts(
        user=world.users["office_staff"],
        organization=world.commune,
        start=D(2025, 1, 1),
        end=D(2025, 12, 31),
        by_child=True,
    )
    assert counts == {world.base.path: {EventKind.ADMISSION: 1}}
    assert selectors.stage_counts(user=world.users["office_staff"], organization=world.commune) == {Stage.ADMITTED: 1}


@pytest.mark.django_db
def test_transfer_keeps_the_steps_done_and_ends_helpers(world):
    # Hướng dẫn 06-HD/TW, mục 3.9.
    candidate = make_candidate(world.cell)
    _advance(world, candidate, "outstanding", outstanding_on=D(2025, 1, 6), helper_name="Lê Văn Tâm")
    services.candidate_transfer(
        actor=world.users["cell_secretary"], candidate=candidate, to_organization=world.other_cell, on=D(2025, 2, 1)
    )
    candidate.refresh_from_db()
    assert candidate.organization == world.other_cell and candidate.org_path == world.other_cell.path
    assert candidate.stage == Stage.OUTSTANDING and candidate.outstanding_on == D(2025, 1, 6)
    assert candidate.people.get().ended_on is not None
    province_staff = make_user("bantochuc_tinh")
    grant(province_staff, world.root, Role.OFFICE_STAFF)
    with pytest.raises(ApplicationError, match="cùng đảng bộ"):
        services.candidate_transfer(
            actor=province_staff, candidate=candidate, to_organization=world.cell_b, on=D(2025, 2, 1)
        )


@pytest.mark.django_db
def test_candidate_update_refuses_a_stale_form(world):
    candidate = make_candidate(world.cell, phone="0912345678")
    secretary = world.users["cell_secretary"]
    second = make_user("bithu2")
    grant(second, world.cell, Role.CELL_SECRETARY)
    services.candidate_update(actor=secretary, candidate=candidate, expected_version=1, occupation="Giáo viên")
    with pytest.raises(ApplicationError, match="vừa được người khác cập nhật"):
        services.candidate_update(actor=second, candidate=candidate, expected_version=1, occupation="Kế toán")
    candidate.refresh_from_db()
    assert candidate.occupation == "Giáo viên" and candidate.version == 2
    change = CandidateChange.objects.get(candidate=candidate, field="occupation")
    assert (change.old, change.new, change.actor) == ("", "Giáo viên", secretary)


@pytest.mark.django_db
def test_candidate_create_refuses_a_second_open_file_for_the_same_national_id(world):
    values = {
        "full_name": "Nguyễn Thị Hoa",
        "sex": "female",
        "birth_date": D(2001, 4, 5),
        "national_id": "079201001234",
    }
    first = services.candidate_create(actor=world.users["cell_secretary"], organization=world.cell, **values)
    assert first.categories.filter(code="nu").exists()
    with pytest.raises(ApplicationError) as caught:
        services.candidate_create(actor=world.users["office_staff"], organization=world.sibling_cell, **values)
    assert "079201001234" not in str(caught.value.errors) + caught.value.message


@pytest.mark.django_db
def test_steps_from_source_lead_forward_and_to_exit():
    assert [s.code for s in steps_from(Stage.SOURCE)] == ["outstanding", "certificate", "drop"]
    assert Candidate._meta.get_field("stage").default == Stage.SOURCE
