"""The rules of admission, each at its edges, with the text it comes from."""

import datetime as dt

import pytest

from candidates import rules
from candidates.rules import WEEKENDS_ONLY, Introducer, WorkCalendar
from candidates.workdays import NATIONAL_HOLIDAYS

D = dt.date
NATIONAL = WorkCalendar(
    days_off=frozenset(d for d, _, working, _ in NATIONAL_HOLIDAYS if not working),
    working_days=frozenset(d for d, _, working, _ in NATIONAL_HOLIDAYS if working),
)


# Quy định 294-QĐ/TW, mục 1.1.1: full 18 to full 60 "tính theo tháng" when the cell considers admission.
def test_check_age_refuses_the_day_before_18_full_years_in_months():
    born = D(2007, 3, 31)
    assert rules.check_age(born, D(2025, 2, 28)).too_young
    assert rules.age_in_months(born, D(2025, 2, 28)) == 215


def test_check_age_accepts_from_the_first_day_of_the_18th_birthday_month():
    # Counted by month and year of birth: born 31/03/2007 is 18 full from March 2025 (docs/domain.md).
    born = D(2007, 3, 31)
    assert not rules.check_age(born, D(2025, 3, 1)).too_young
    assert rules.first_eligible_day(born) == D(2025, 3, 1)


def test_check_age_over_60_only_after_the_month_of_the_60th_birthday():
    # 294-QĐ/TW, mục 1.1.2: over 60 needs the provincial standing committee (06-HD/TW, mục 1.1).
    born = D(1965, 5, 15)
    assert not rules.check_age(born, D(2025, 5, 31)).over_60
    assert rules.check_age(born, D(2025, 6, 1)).over_60


@pytest.mark.parametrize(
    ("votes", "counted", "passes"),
    [(6, 9, True), (5, 9, False), (2, 3, True), (1, 3, False), (7, 10, True), (6, 10, False), (20, 30, True)],
)
def test_at_least_two_thirds_counts_full_members_not_those_present(votes, counted, passes):
    # Hướng dẫn 06-HD/TW, mục 3.6 điểm b, c: two thirds of the cell's full members / of the committee members.
    assert rules.at_least_two_thirds(votes, counted) is passes


@pytest.mark.parametrize(("votes", "counted", "passes"), [(5, 9, True), (4, 9, False), (4, 8, False), (5, 8, True)])
def test_more_than_half_for_the_standing_committee(votes, counted, passes):
    # Hướng dẫn 06-HD/TW, mục 3.7 điểm a: "trên một nửa số thành viên ban thường vụ".
    assert rules.more_than_half(votes, counted) is passes


def test_decision_vote_of_an_authorized_base_committee_needs_two_thirds():
    assert rules.decision_vote_passes(5, 9, authorized_base=False)
    assert not rules.decision_vote_passes(5, 9, authorized_base=True)


def test_votes_refuse_impossible_counts():
    with pytest.raises(ValueError):
        rules.at_least_two_thirds(10, 9)
    with pytest.raises(ValueError):
        rules.more_than_half(0, 0)


def test_certificate_is_valid_through_its_60th_month_and_not_a_day_more():
    # Hướng dẫn 06-HD/TW, mục 5.4 điểm b.
    issued = D(2020, 3, 15)
    assert rules.certificate_expires_on(issued) == D(2025, 3, 15)
    assert rules.certificate_valid_on(issued, D(2025, 3, 15))
    assert not rules.certificate_valid_on(issued, D(2025, 3, 16))


def test_certificate_issued_on_29_february_expires_end_of_february():
    assert rules.certificate_expires_on(D(2020, 2, 29)) == D(2025, 2, 28)


def test_dossier_older_than_12_months_is_stale():
    # Hướng dẫn 06-HD/TW, mục 5.4 điểm a.
    assert not rules.dossier_stale_on(D(2024, 4, 10), D(2025, 4, 10))
    assert rules.dossier_stale_on(D(2024, 4, 10), D(2025, 4, 11))


def test_decision_due_is_the_45th_working_day_across_tet_2025():
    # Quy định 294-QĐ/TW, mục 4.3.1; Tết Ất Tỵ 25/01-02/02/2025 (weekdays 27-31/01 off).
    resolution = D(2025, 1, 10)
    assert rules.decision_due(resolution, WEEKENDS_ONLY) == D(2025, 3, 14)
    assert rules.decision_due(resolution, NATIONAL) == D(2025, 3, 21)
    assert NATIONAL.working_days_between(resolution, D(2025, 3, 21)) == 45
    assert NATIONAL.working_days_between(resolution, D(2025, 3, 20)) == 44


def test_decision_due_with_the_special_extension_adds_15_working_days():
    assert rules.decision_due(D(2025, 1, 10), NATIONAL, extended=True) == D(2025, 4, 14)


def test_ceremony_due_counts_the_swapped_saturday_and_skips_30_4_to_2_5_2025():
    # 294-QĐ/TW, mục 4.1; Saturday 26/4/2025 was worked to take Friday 02/5/2025 off.
    assert NATIONAL.is_working_day(D(2025, 4, 26))
    assert not NATIONAL.is_working_day(D(2025, 5, 2))
    assert rules.ceremony_due(D(2025, 4, 25), NATIONAL) == D(2025, 6, 10)


def test_probation_ends_12_months_after_the_ceremony():
    # Hướng dẫn 06-HD/TW, mục 4.2; Quy định 294-QĐ/TW, mục 4.2.2.
    assert rules.probation_ends_on(D(2025, 3, 15)) == D(2026, 3, 15)
    assert rules.probation_ends_on(D(2024, 2, 29)) == D(2025, 2, 28)


def test_recognition_due_is_30_working_days_after_the_12_months():
    # 294-QĐ/TW, mục 4.2.1: 15/03/2026 is a Sunday, so counting starts on Monday 16/03.
    assert rules.recognition_due(D(2026, 3, 15), NATIONAL) == D(2026, 4, 24)


def test_verification_replies_due_in_30_or_90_working_days():
    # Hướng dẫn 06-HD/TW, mục 3.4 điểm d.
    assert rules.verification_due(D(2025, 6, 2), WEEKENDS_ONLY) == D(2025, 7, 14)
    assert rules.verification_due(D(2025, 6, 2), WEEKENDS_ONLY, abroad=True) == D(2025, 10, 6)


def test_introducer_needs_12_months_together():
    # Quy định 294-QĐ/TW, mục 3.2.1.
    people = [Introducer("member", "Nguyễn Văn A", D(2024, 3, 10)), Introducer("member", "Lê Thị B", D(2020, 1, 1))]
    assert rules.introducer_problems(people, D(2025, 3, 9))
    assert rules.introducer_problems(people, D(2025, 3, 10)) == []


def test_introducers_two_members_or_union_and_one_member():
    # Điều lệ Đảng, Điều 4; Quy định 294-QĐ/TW, mục 3.1.
    member = Introducer("member", "Nguyễn Văn A", D(2020, 1, 1))
    union = Introducer("youth_union", "BCH Đoàn xã")
    assert rules.introducer_problems([member], D(2025, 1, 1))
    assert rules.introducer_problems([member, union], D(2025, 1, 1)) == []


def test_introducer_assigned_in_place_of_one_who_left_is_exempt_from_12_months():
    # Quy định 294-QĐ/TW, mục 3.2.2.
    people = [Introducer("member", "A", D(2020, 1, 1)), Introducer("member", "B", D(2024, 12, 1), replacement=True)]
    assert rules.introducer_problems(people, D(2025, 1, 1)) == []


def test_national_calendar_has_the_official_days_of_2025_and_2026():
    off = {d for d, _, working, _ in NATIONAL_HOLIDAYS if not working}
    assert {D(2025, 1, 25) + dt.timedelta(days=i) for i in range(9)} <= off  # Tết Ất Tỵ
    assert {D(2026, 2, 14) + dt.timedelta(days=i) for i in range(9)} <= off  # Tết Bính Ngọ
    assert {D(2025, 4, 7), D(2026, 4, 27), D(2026, 1, 2), D(2026, 8, 31), D(2026, 9, 1), D(2026, 9, 2)} <= off
    assert NATIONAL.is_working_day(D(2026, 1, 10)) and NATIONAL.is_working_day(D(2026, 8, 22))
