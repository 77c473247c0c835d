"""Rules of admission as plain functions: no database, no request. Each cites the text it comes from.

Dates are `datetime.date`. Working days come from a `WorkCalendar` (weekends and the holiday calendar that
administrators keep, see `candidates.models.Holiday`).
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

# --- calendar arithmetic -------------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the last day of the month when that month is shorter (31/01 + 1 = 28/02)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class WorkCalendar:
    """Weekends off, plus `days_off` (public holidays, swapped days), minus `working_days` (Saturdays worked
    in exchange, "làm bù"). Bộ luật Lao động 2019, Điều 111 - 112, and the yearly schedules of the Government.
    """

    days_off: frozenset = field(default_factory=frozenset)
    working_days: frozenset = field(default_factory=frozenset)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `start`.

        A time limit "within N working days from" a date starts the day after it (Bộ luật Dân sự 2015,
        Điều 147: thời hạn bắt đầu từ ngày tiếp theo của ngày xảy ra sự kiện), so the result is the last
        day on which the act is still in time.
        """
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        remaining = count
        while remaining:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


WEEKENDS_ONLY = WorkCalendar()

# --- age ---------------------------------------------------------------------------------------------------------

MIN_AGE_MONTHS = 18 * 12
MAX_AGE_MONTHS = 60 * 12


def age_in_months(birth: dt.date, on: dt.date) -> int:
    """Age "tính theo tháng" (Quy định 294-QĐ/TW, mục 1.1.1): whole months by month and year of birth.

    The day of the month does not count: someone born 31/03/2007 has 216 months (18 full years) on
    01/03/2025 already (docs/domain.md, "Candidate stages").
    """
    return (on.year - birth.year) * 12 + (on.month - birth.month)


@dataclass(frozen=True)
class AgeCheck:
    months: int
    too_young: bool
    over_60: bool

    @property
    def text(self) -> str:
        years, months = divmod(self.months, 12)
        return f"{years} tuổi {months} tháng" if months else f"{years} tuổi"


def check_age(birth: dt.date, on: dt.date) -> AgeCheck:
    """At the date the cell considers admission the person must be full 18 to full 60 years old, counted in
    months (294-QĐ/TW, mục 1.1.1). Over 60 is possible only with the written consent of the provincial
    standing committee before the decision (294-QĐ/TW, mục 1.1.2; 06-HD/TW, mục 1.1).
    """
    months = age_in_months(birth, on)
    return AgeCheck(months=months, too_young=months < MIN_AGE_MONTHS, over_60=months > MAX_AGE_MONTHS)


def first_eligible_day(birth: dt.date) -> dt.date:
    """The first day of the month in which the person is 18 full years counted in months."""
    return dt.date(birth.year + 18, birth.month, 1)


# --- votes -------------------------------------------------------------------------------------------------------


def _check_counts(votes_for: int, counted: int) -> None:
    if counted is None or votes_for is None or counted <= 0 or votes_for < 0 or votes_for > counted:
        raise ValueError("Số tán thành phải từ 0 đến tổng số, và tổng số phải lớn hơn 0.")


def at_least_two_thirds(votes_for: int, counted: int) -> bool:
    """Cell (of its full members, not of those present) and base committee (of its members):
    "hai phần ba ... trở lên" (Hướng dẫn 06-HD/TW, mục 3.6 điểm b, c; mục 4.6)."""
    _check_counts(votes_for, counted)
    return 3 * votes_for >= 2 * counted


def more_than_half(votes_for: int, counted: int) -> bool:
    """Standing committee deciding an admission: "trên một nửa số thành viên" (06-HD/TW, mục 3.7 điểm a)."""
    _check_counts(votes_for, counted)
    return 2 * votes_for > counted


def decision_vote_passes(votes_for: int, counted: int, *, authorized_base: bool) -> bool:
    """A base committee authorized to admit needs two thirds of all its members (06-HD/TW, mục 3.7 điểm a)."""
    return at_least_two_thirds(votes_for, counted) if authorized_base else more_than_half(votes_for, counted)


# --- validity of documents ---------------------------------------------------------------------------------------

CERTIFICATE_VALID_MONTHS = 60
DOSSIER_VALID_MONTHS = 12


def certificate_expires_on(issued: dt.date) -> dt.date:
    """Last day the awareness-class certificate may carry a cell's proposal: 60 months from issue
    (Hướng dẫn 06-HD/TW, mục 5.4 điểm b: "quá 60 tháng ... phải ... học lại")."""
    return add_months(issued, CERTIFICATE_VALID_MONTHS)


def certificate_valid_on(issued: dt.date, on: dt.date) -> bool:
    return issued <= on <= certificate_expires_on(issued)


def dossier_expires_on(started: dt.date) -> dt.date:
    """Last day a dossier may go to the cell without redoing part of it: 12 months from when it was made
    (Hướng dẫn 06-HD/TW, mục 5.4 điểm a)."""
    return add_months(started, DOSSIER_VALID_MONTHS)


def dossier_stale_on(started: dt.date, on: dt.date) -> bool:
    return on > dossier_expires_on(started)


DOSSIER_REDO = (
    "văn bản giới thiệu của đảng viên chính thức được phân công giúp đỡ",
    "nghị quyết giới thiệu đoàn viên của Đoàn Thanh niên hoặc công đoàn (nếu có)",
    "văn bản thẩm tra bổ sung lý lịch nếu có thay đổi",
    "ý kiến nhận xét bổ sung của đoàn thể và chi ủy nơi cư trú",
)

# --- deadlines in working days -----------------------------------------------------------------------------------

DECISION_WORKING_DAYS = 45
DECISION_EXTENSION_WORKING_DAYS = 15
CEREMONY_WORKING_DAYS = 30
RECOGNITION_WORKING_DAYS = 30
VERIFICATION_WORKING_DAYS = 30
VERIFICATION_ABROAD_WORKING_DAYS = 90
PROBATION_MONTHS = 12
INTRODUCER_MONTHS = 12


def decision_due(cell_resolution_on: dt.date, cal: WorkCalendar, *, extended: bool = False) -> dt.date:
    """The competent committee decides within 45 working days of the cell's resolution, at most 15 more in
    special cases (Quy định 294-QĐ/TW, mục 4.3.1)."""
    days = DECISION_WORKING_DAYS + (DECISION_EXTENSION_WORKING_DAYS if extended else 0)
    return cal.add_working_days(cell_resolution_on, days)


def ceremony_due(decision_received_on: dt.date, cal: WorkCalendar) -> dt.date:
    """The cell holds the ceremony within 30 working days of receiving the decision (294-QĐ/TW, mục 4.1)."""
    return cal.add_working_days(decision_received_on, CEREMONY_WORKING_DAYS)


def probation_ends_on(ceremony_on: dt.date) -> dt.date:
    """Probation is 12 months from the ceremony (06-HD/TW, mục 4.2: "sau 12 tháng, kể từ ngày chi bộ kết nạp");
    the member is recognized as of this date even when the cell or the committee act late (294-QĐ/TW, 4.2.2)."""
    return add_months(ceremony_on, PROBATION_MONTHS)


def recognition_due(probation_end: dt.date, cal: WorkCalendar) -> dt.date:
    """The cell considers recognition within 30 working days after the 12 months (294-QĐ/TW, mục 4.2.1)."""
    return cal.add_working_days(probation_end, RECOGNITION_WORKING_DAYS)


def recognition_decision_due(cell_resolution_on: dt.date, cal: WorkCalendar) -> dt.date:
    """The committee decides recognition within 30 working days of the cell's resolution (294-QĐ/TW, 4.3.1)."""
    return cal.add_working_days(cell_resolution_on, RECOGNITION_WORKING_DAYS)


def verification_due(sent_on: dt.date, cal: WorkCalendar, *, abroad: bool = False) -> dt.date:
    """Replies to a background verification: 30 working days, 90 abroad (Hướng dẫn 06-HD/TW, mục 3.4 điểm d)."""
    days = VERIFICATION_ABROAD_WORKING_DAYS if abroad else VERIFICATION_WORKING_DAYS
    return cal.add_working_days(sent_on, days)


# --- introducers -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Introducer:
    kind: str  # "member" | "youth_union" | "trade_union"
    name: str
    together_since: dt.date | None = None
    replacement: bool = False


def months_together(since: dt.date, on: dt.date) -> int:
    """Whole months from `since` to `on` (day of month counts here: 12 months means until the same day)."""
    months = (on.year - since.year) * 12 + (on.month - since.month)
    if on.day < since.day:
        months -= 1
    return months


def introducer_problems(introducers: Iterable[Introducer], on: dt.date) -> list[str]:
    """What is wrong with the introducers of a dossier dated `on` (Vietnamese messages; empty when right).

    Two full members, or the Youth Union (or trade union) resolution plus one full member (Điều lệ Đảng,
    Điều 4; Quy định 294-QĐ/TW, mục 3.1). A member introducer must have worked, studied or lived in the same
    unit as the candidate for at least 12 months (294-QĐ/TW, mục 3.2.1), except a member the cell assigned
    in place of one who left (294-QĐ/TW, mục 3.2.2; 06-HD/TW, mục 3.9 điểm a).
    """
    people = list(introducers)
    members = [p for p in people if p.kind == "member"]
    unions = [p for p in people if p.kind in ("youth_union", "trade_union")]
    problems: list[str] = []
    if not (len(members) >= 2 or (unions and members)):
        problems.append(
            "Cần hai đảng viên chính thức giới thiệu, hoặc nghị quyết giới thiệu của Đoàn Thanh niên (công đoàn) "
            "và một đảng viên chính thức."
        )
    for person in members:
        if person.replacement:
            continue
        if person.together_since is None:
            problems.append(f"Chưa ghi từ khi nào đồng chí {person.name} cùng công tác, học tập hoặc cư trú.")
        elif months_together(person.together_since, on) < INTRODUCER_MONTHS:
            problems.append(
                f"Đồng chí {person.name} mới cùng công tác, học tập hoặc cư trú "
                f"{max(months_together(person.together_since, on), 0)} tháng, chưa đủ 12 tháng."
            )
    return problems


# --- what is due next --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    kind: str
    label: str
    due_on: dt.date
    regulation: str


def deadlines(c, cal: WorkCalendar) -> list[Deadline]:
    """Every open deadline of a candidate (any object with the Candidate attributes), earliest first."""
    from .stages import Stage

    found: list[Deadline] = []
    stage = c.stage
    if stage in (Stage.SOURCE, Stage.OUTSTANDING, Stage.TRAINED, Stage.DOSSIER) and c.awareness_cert_on:
        found.append(
            Deadline(
                "certificate",
                "Giấy chứng nhận lớp nhận thức hết hạn (chi bộ phải xét trước ngày này)",
                certificate_expires_on(c.awareness_cert_on),
                "06-HD/TW, mục 5.4b",
            )
        )
    if stage == Stage.DOSSIER and c.dossier_on:
        found.append(
            Deadline(
                "dossier",
                "Hồ sơ quá 12 tháng: sau ngày này phải làm lại một số tài liệu",
                dossier_expires_on(c.dossier_on),
                "06-HD/TW, mục 5.4a",
            )
        )
        if c.verification_sent_on:
            found.append(
                Deadline(
                    "verification",
                    "Hạn trả lời thẩm tra lý lịch",
                    verification_due(c.verification_sent_on, cal, abroad=bool(c.verification_abroad)),
                    "06-HD/TW, mục 3.4d",
                )
            )
    if stage in (Stage.CELL_PROPOSED, Stage.BASE_PROPOSED) and c.cell_resolution_on:
        found.append(
            Deadline(
                "decision",
                "Hạn cấp ủy có thẩm quyền ra quyết định kết nạp (45 ngày làm việc)",
                decision_due(c.cell_resolution_on, cal),
                "294-QĐ/TW, mục 4.3.1",
            )
        )
    if stage == Stage.ADMITTED and c.decision_on:
        found.append(
            Deadline(
                "ceremony",
                "Hạn tổ chức lễ kết nạp (30 ngày làm việc)",
                ceremony_due(c.decision_received_on or c.decision_on, cal),
                "294-QĐ/TW, mục 4.1",
            )
        )
    if stage == Stage.PROBATION and c.probation_ends_on:
        found.append(
            Deadline(
                "recognition",
                "Hạn chi bộ xét công nhận đảng viên chính thức (30 ngày làm việc sau 12 tháng dự bị)",
                recognition_due(c.probation_ends_on, cal),
                "294-QĐ/TW, mục 4.2.1",
            )
        )
    return sorted(found, key=lambda d: d.due_on)


def next_deadline(c, cal: WorkCalendar) -> Deadline | None:
    found = deadlines(c, cal)
    return found[0] if found else None
