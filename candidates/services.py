"""Every write to candidates, classes and the holiday calendar.

Each service takes keyword arguments, runs in one transaction, validates before it writes, and records what it
did: a `CandidateEvent` for every step of the stage machine, a `CandidateChange` row for every changed field.
Errors are `ApplicationError` with Vietnamese messages that never contain sensitive values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from config.errors import ApplicationError
from config.text import nfc
from organizations.access import Action, access_for
from organizations.models import Category, Organization

from . import rules
from .models import (
    SENSITIVE_FIELDS,
    Candidate,
    CandidateChange,
    CandidateEvent,
    CandidatePerson,
    Education,
    Enrolment,
    Holiday,
    SensitiveAccess,
    Sex,
    TrainingClass,
)
from .stages import (
    EXITS,
    STEP_BY_CODE,
    STEP_BY_KIND,
    EventKind,
    ExitReason,
    Stage,
    Step,
    stage_label,
    step_refusal,
)
from .workdays import calendar_changed, calendar_for

STALE_MESSAGE = (
    "Hồ sơ này vừa được người khác cập nhật sau khi đồng chí mở trang. Chưa có gì được ghi: "
    "hãy tải lại trang để xem thông tin mới nhất rồi làm lại."
)
PERSON_FIELDS = (
    "full_name",
    "sex",
    "birth_date",
    "ethnicity",
    "religion",
    "education",
    "education_exception",
    "qualification",
    "occupation",
    "workplace",
    "phone",
    "national_id",
    "family_notes",
    "notes",
)
FORMULA_START = ("=", "+", "-", "@")


def _today() -> dt.date:
    return timezone.localdate()


def _require(actor, action: Action, organization: Organization) -> None:
    access_for(actor).require(action, organization)


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


# --- values shown in the history -------------------------------------------------------------------------------


def _plain(value):
    """A value as JSON can keep it (events' data)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _from_plain(name: str, value):
    field_obj = Candidate._meta.get_field(name)
    if value is None or value == "":
        return value if field_obj.get_internal_type() in ("CharField", "TextField") else None
    return field_obj.to_python(value)


def _shown(name: str, value) -> str:
    """A value as the history page shows it."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    try:
        field_obj = Candidate._meta.get_field(name)
    except Exception:  # a name that is not a model field (e.g. categories)
        return str(value)
    if field_obj.choices:
        return str(dict(field_obj.flatchoices).get(value, value))
    return str(value)


def _label(name: str) -> str:
    try:
        return str(Candidate._meta.get_field(name).verbose_name)
    except Exception:
        return name


def _change_rows(candidate, actor, changes: dict, *, event=None, source="") -> list[CandidateChange]:
    return [
        CandidateChange(
            candidate=candidate,
            actor=_user(actor),
            field=name,
            label=_label(name)[:120],
            old=_shown(name, old),
            new=_shown(name, new),
            sensitive=name in SENSITIVE_FIELDS,
            event=event,
            source=source[:200],
        )
        for name, (old, new) in changes.items()
    ]


# --- the person ------------------------------------------------------------------------------------------------


def _clean_person(values: dict, *, tenant_id: int, exclude_pk=None, today=None, check_clash: bool = True) -> dict:
    """Normalize and check the person's fields; raises ApplicationError with per-field messages."""
    today = today or _today()
    cleaned = dict(values)
    errors: dict[str, list[str]] = {}
    for name in PERSON_FIELDS:
        if name in cleaned and isinstance(cleaned[name], str) and name not in ("family_notes", "notes"):
            cleaned[name] = nfc(cleaned[name])
    if "full_name" in cleaned:
        name = cleaned["full_name"]
        if not name:
            errors["full_name"] = ["Chưa ghi họ và tên."]
        elif name.startswith(FORMULA_START) or any(ch.isdigit() for ch in name):
            errors["full_name"] = ["Họ và tên không hợp lệ."]
    if "sex" in cleaned and cleaned["sex"] not in Sex.values:
        errors["sex"] = ["Chưa chọn giới tính (Nam hoặc Nữ)."]
    if "birth_date" in cleaned:
        birth = cleaned["birth_date"]
        if birth is None:
            errors["birth_date"] = ["Chưa ghi ngày sinh."]
        elif birth > today or birth.year < 1900:
            errors["birth_date"] = ["Ngày sinh không hợp lệ."]
    if cleaned.get("education") and cleaned["education"] not in Education.values:
        errors["education"] = ["Trình độ giáo dục phổ thông không hợp lệ."]
    if cleaned.get("phone"):
        digits = cleaned["phone"].replace(" ", "").replace(".", "")
        if not (digits.lstrip("+").isdigit() and 8 <= len(digits.lstrip("+")) <= 15):
            errors["phone"] = ["Số điện thoại không hợp lệ."]
        cleaned["phone"] = digits
    if "national_id" in cleaned:
        number = "".join((cleaned["national_id"] or "").split())
        cleaned["national_id"] = number
        if number and not (number.isdigit() and len(number) == 12):
            # Số định danh cá nhân has 12 digits (Luật Căn cước 2023). Never echo the value in a message.
            errors["national_id"] = ["Số định danh cá nhân phải gồm đúng 12 chữ số."]
        elif number and check_clash:
            clash = Candidate.objects.filter(tenant_id=tenant_id, national_id=number).exclude(stage__in=EXITS)
            if exclude_pk is not None:
                clash = clash.exclude(pk=exclude_pk)
            if clash.exists():
                errors["national_id"] = ["Số định danh cá nhân này đã có trong một hồ sơ khác đang theo dõi."]
    for name in ("ethnicity", "religion", "occupation", "workplace", "qualification"):
        if isinstance(cleaned.get(name), str) and cleaned[name].startswith(FORMULA_START):
            errors[name] = ["Giá trị không hợp lệ."]
    if errors:
        raise ApplicationError("Thông tin quần chúng chưa hợp lệ.", errors=errors)
    return cleaned


def categories_for(organization: Organization):
    return Category.objects.for_tenant(organization.tenant_id).filter(basis=Category.Basis.PERSON)


def _auto_categories(candidate: Candidate, chosen: Iterable[Category], available) -> set[int]:
    """Ticked categories, plus "Nữ" from the sex (the one category that follows from a plain field)."""
    ids = {c.pk for c in chosen}
    if candidate.sex == Sex.FEMALE:
        women = next((c for c in available if c.code == "nu"), None)
        if women is not None:
            ids.add(women.pk)
    return ids


def _check_cell(organization: Organization) -> None:
    if not organization.kind.is_cell:
        raise ApplicationError("Quần chúng được theo dõi ở chi bộ: hãy chọn một chi bộ.")
    if organization.valid_to is not None:
        raise ApplicationError("Chi bộ này đã giải thể hoặc sáp nhập.")


@transaction.atomic
def candidate_create(
    *,
    actor,
    organization: Organization,
    categories: Iterable[Category] = (),
    listed_on: dt.date | None = None,
    **values,
) -> Candidate:
    """List a person as a source (nguồn) of a cell. Invariant: one open file per national ID in a tenant."""
    _require(actor, Action.MANAGE_CANDIDATES, organization)
    _check_cell(organization)
    unknown = set(values) - set(PERSON_FIELDS)
    if unknown:
        raise ApplicationError("Trường không hợp lệ: " + ", ".join(sorted(unknown)))
    for required in ("full_name", "sex", "birth_date"):
        values.setdefault(required, None if required == "birth_date" else "")
    cleaned = _clean_person(values, tenant_id=organization.tenant_id)
    if listed_on and listed_on > _today():
        raise ApplicationError("Ngày đưa vào nguồn còn ở tương lai.", errors={"listed_on": ["Ngày còn ở tương lai."]})
    listed_on = listed_on or _today()
    candidate = Candidate(
        organization=organization,
        tenant_id=organization.tenant_id,
        stage=Stage.SOURCE,
        stage_on=listed_on,
        listed_on=listed_on,
        created_by=_user(actor),
        **cleaned,
    )
    candidate.fill_derived()
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError as exc:
        raise ApplicationError(
            "Số định danh cá nhân này đã có trong một hồ sơ khác đang theo dõi.",
            errors={"national_id": ["Trùng số định danh."]},
        ) from exc
    available = list(categories_for(organization))
    allowed = {c.pk for c in available}
    candidate.categories.set([pk for pk in _auto_categories(candidate, categories, available) if pk in allowed])
    event = _event(candidate, actor, EventKind.CREATED, listed_on, to_stage=Stage.SOURCE, summary="Đưa vào nguồn")
    changes = {name: ("", cleaned[name]) for name in PERSON_FIELDS if cleaned.get(name) not in (None, "")}
    CandidateChange.objects.bulk_create(_change_rows(candidate, actor, changes, event=event, source="Tạo hồ sơ"))
    return candidate


def _lock(candidate: Candidate, expected_version: int | None) -> Candidate:
    locked = Candidate.objects.select_for_update().select_related("organization__kind").get(pk=candidate.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ApplicationError(STALE_MESSAGE)
    return locked


@transaction.atomic
def candidate_update(
    *,
    actor,
    candidate: Candidate,
    expected_version: int,
    categories: Iterable[Category] | None = None,
    **values,
) -> Candidate:
    """Edit the person's fields. Optimistic locking: a form opened before someone else's save is refused, nothing
    is overwritten. Stage data is not edited here: a wrong step is undone with `candidate_correct`."""
    _require(actor, Action.MANAGE_CANDIDATES, candidate.organization)
    unknown = set(values) - set(PERSON_FIELDS)
    if unknown:
        raise ApplicationError("Trường không được sửa ở đây: " + ", ".join(sorted(unknown)))
    if set(values) & set(SENSITIVE_FIELDS):
        _require(actor, Action.VIEW_SENSITIVE, candidate.organization)
    locked = _lock(candidate, expected_version)
    cleaned = _clean_person(values, tenant_id=locked.tenant_id, exclude_pk=locked.pk)
    changes = {}
    for name, value in cleaned.items():
        old = getattr(locked, name)
        if old != value:
            changes[name] = (old, value)
            setattr(locked, name, value)
    if categories is not None:
        available = list(categories_for(locked.organization))
        allowed = {c.pk for c in available}
        wanted = {pk for pk in _auto_categories(locked, categories, available) if pk in allowed}
        current = set(locked.categories.values_list("pk", flat=True))
        if wanted != current:
            names = {c.pk: c.name for c in available}
            changes["categories"] = (
                ", ".join(sorted(names.get(pk, "") for pk in current)),
                ", ".join(sorted(names.get(pk, "") for pk in wanted)),
            )
            locked.categories.set(wanted)
    if not changes:
        return locked
    locked.fill_derived()
    locked.version = F("version") + 1
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError as exc:
        raise ApplicationError("Số định danh cá nhân này đã có trong một hồ sơ khác đang theo dõi.") from exc
    locked.refresh_from_db()
    rows = _change_rows(locked, actor, changes, source="Sửa thông tin")
    for row in rows:
        if row.field == "categories":
            row.label = "đối tượng"
    CandidateChange.objects.bulk_create(rows)
    return locked


# --- the stage machine -----------------------------------------------------------------------------------------


@dataclass
class StepResult:
    candidate: Candidate
    event: CandidateEvent
    warnings: list[str] = field(default_factory=list)


def _event(candidate, actor, kind, on, *, from_stage="", to_stage="", document="", summary="", data=None, late=False):
    return CandidateEvent.objects.create(
        tenant_id=candidate.tenant_id,
        candidate=candidate,
        organization_id=candidate.organization_id,
        org_path=candidate.org_path,
        kind=kind,
        event_date=on,
        from_stage=from_stage,
        to_stage=to_stage,
        document_number=(document or "")[:40],
        summary=summary[:400],
        data=data or {},
        late=late,
        actor=_user(actor),
    )


def _clean_step_values(step: Step, values: dict, today: dt.date) -> dict:
    cleaned: dict = {}
    errors: dict[str, list[str]] = {}
    for spec in step.fields:
        value = values.get(spec.name)
        if isinstance(value, str):
            value = nfc(value)
        if spec.type == "bool":
            value = bool(value)
        elif value in (None, ""):
            if spec.required:
                errors[spec.name] = [f"Chưa ghi {spec.label.lower()}."]
            value = None if spec.type in ("date", "count") else ""
        elif spec.type == "date":
            if not isinstance(value, dt.date):
                errors[spec.name] = ["Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy."]
            elif value > today:
                errors[spec.name] = [f"Ngày {value:%d/%m/%Y} còn ở tương lai."]
        elif spec.type == "count":
            if not isinstance(value, int) or value < 0:
                errors[spec.name] = ["Hãy nhập một số nguyên không âm."]
        elif spec.type == "reason" and value not in ExitReason.values:
            errors[spec.name] = ["Lý do không hợp lệ."]
        elif spec.type == "text" and value.startswith(FORMULA_START):
            errors[spec.name] = ["Giá trị không hợp lệ."]
        cleaned[spec.name] = value
    if errors:
        raise ApplicationError("Thông tin của bước này chưa đủ hoặc chưa hợp lệ.", errors=errors)
    return cleaned


def _not_before(errors, name: str, value: dt.date | None, earlier: dt.date | None, what: str) -> None:
    if value and earlier and value < earlier:
        errors.setdefault(name, []).append(f"Ngày này trước {what} ({earlier:%d/%m/%Y}).")


def _vote(errors, name: str, votes_for: int, counted: int, check, message: str) -> None:
    try:
        passed = check(votes_for, counted)
    except ValueError as exc:
        errors.setdefault(name, []).append(str(exc))
        return
    if not passed:
        errors.setdefault(name, []).append(f"{message} ({votes_for}/{counted}).")


def _introducers(candidate: Candidate) -> list[rules.Introducer]:
    return [
        rules.Introducer(kind=p.kind, name=p.full_name, together_since=p.together_since, replacement=p.replacement)
        for p in candidate.people.filter(role=CandidatePerson.Role.INTRODUCER, ended_on__isnull=True)
    ]


def _check_step(step: Step, c: Candidate, v: dict, cal: rules.WorkCalendar) -> tuple[dict, list[str], bool]:
    """The rules of one step: errors block it, warnings (late deadlines) are recorded with it."""
    errors: dict[str, list[str]] = {}
    warnings: list[str] = []
    late = False
    code = step.code
    if code == "dossier":
        problems = rules.introducer_problems(_introducers(c), v["dossier_on"])
        if problems:
            errors["__all__"] = problems
        if c.awareness_cert_on and not rules.certificate_valid_on(c.awareness_cert_on, v["dossier_on"]):
            warnings.append("Giấy chứng nhận lớp nhận thức về Đảng đã quá 60 tháng: cần học lại trước khi chi bộ xét.")
    elif code == "dossier_renewed":
        if c.dossier_on and v["dossier_on"] <= c.dossier_on:
            errors["dossier_on"] = ["Ngày làm lại phải sau ngày lập hồ sơ trước đó."]
    elif code == "cell_resolution":
        on = v["cell_resolution_on"]
        _not_before(errors, "cell_resolution_on", on, c.dossier_on, "ngày lập hồ sơ")
        age = rules.check_age(c.birth_date, on)
        if age.too_young:
            first = rules.first_eligible_day(c.birth_date)
            errors.setdefault("cell_resolution_on", []).append(
                f"Tại ngày chi bộ xét, quần chúng mới {age.text} (tính theo tháng), chưa đủ 18 tuổi; "
                f"sớm nhất từ ngày {first:%d/%m/%Y} (Quy định 294-QĐ/TW, mục 1.1.1)."
            )
        elif age.over_60:
            warnings.append(
                f"Quần chúng đã {age.text}, trên 60 tuổi: cần văn bản đồng ý của ban thường vụ tỉnh ủy, thành ủy "
                "trước khi ra quyết định kết nạp (Quy định 294-QĐ/TW, mục 1.1.2; Hướng dẫn 06-HD/TW, mục 1.1)."
            )
        if c.education in ("", Education.PRIMARY) and not c.education_exception:
            errors.setdefault("__all__", []).append(
                "Người vào Đảng phải tốt nghiệp trung học cơ sở trở lên (Quy định 294-QĐ/TW, mục 1.2); "
                "hãy ghi trình độ hoặc căn cứ áp dụng trường hợp đặc biệt (Hướng dẫn 06-HD/TW, mục 1.2)."
            )
        if not c.awareness_cert_on:
            errors.setdefault("__all__", []).append("Chưa có giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng.")
        elif not rules.certificate_valid_on(c.awareness_cert_on, on):
            errors.setdefault("__all__", []).append(
                f"Giấy chứng nhận lớp nhận thức về Đảng đã quá 60 tháng "
                f"(hết hạn ngày {rules.certificate_expires_on(c.awareness_cert_on):%d/%m/%Y}): "
                "phải học lại để được cấp giấy chứng nhận mới (Hướng dẫn 06-HD/TW, mục 5.4 điểm b)."
            )
        if c.dossier_on and rules.dossier_stale_on(c.dossier_on, on):
            errors.setdefault("__all__", []).append(
                f"Hồ sơ lập từ ngày {c.dossier_on:%d/%m/%Y}, đã quá 12 tháng mà chi bộ chưa xét: phải làm lại "
                + "; ".join(rules.DOSSIER_REDO)
                + " (Hướng dẫn 06-HD/TW, mục 5.4 điểm a), rồi ghi bước “Làm lại tài liệu hồ sơ quá 12 tháng”."
            )
        _vote(
            errors,
            "cell_votes_for",
            v["cell_votes_for"],
            v["cell_members_counted"],
            rules.at_least_two_thirds,
            "Chưa đủ hai phần ba số đảng viên chính thức của chi bộ tán thành (Hướng dẫn 06-HD/TW, mục 3.6)",
        )
    elif code == "base_resolution":
        _not_before(errors, "base_resolution_on", v["base_resolution_on"], c.cell_resolution_on, "nghị quyết chi bộ")
        _vote(
            errors,
            "base_votes_for",
            v["base_votes_for"],
            v["base_members_counted"],
            rules.at_least_two_thirds,
            "Chưa đủ hai phần ba số cấp ủy viên tán thành (Hướng dẫn 06-HD/TW, mục 3.6 điểm c)",
        )
    elif code == "senior_consent":
        if not (c.cell_resolution_on and rules.check_age(c.birth_date, c.cell_resolution_on).over_60):
            errors["__all__"] = ["Quần chúng không quá 60 tuổi tại ngày chi bộ xét: không cần văn bản này."]
    elif code == "admission":
        kind = c.organization.kind
        if c.stage == Stage.CELL_PROPOSED and not (kind.is_base and kind.is_cell):
            errors["__all__"] = [
                "Cần nghị quyết đề nghị kết nạp của đảng ủy cơ sở (8-KNĐ) trước khi có quyết định kết nạp."
            ]
        on = v["decision_on"]
        _not_before(errors, "decision_on", on, c.base_resolution_on or c.cell_resolution_on, "nghị quyết đề nghị")
        _not_before(errors, "decision_received_on", v.get("decision_received_on"), on, "ngày quyết định")
        authorized = v.get("decision_by_authorized_base", False)
        _vote(
            errors,
            "decision_votes_for",
            v["decision_votes_for"],
            v["decision_members_counted"],
            lambda f, n: rules.decision_vote_passes(f, n, authorized_base=authorized),
            "Chưa đủ hai phần ba tổng số cấp ủy viên tán thành"
            if authorized
            else "Chưa được trên một nửa số thành viên ban thường vụ tán thành (Hướng dẫn 06-HD/TW, mục 3.7)",
        )
        over_60 = c.cell_resolution_on and rules.check_age(c.birth_date, c.cell_resolution_on).over_60
        if over_60 and (not c.senior_consent_on or c.senior_consent_on > on):
            errors.setdefault("__all__", []).append(
                "Người trên 60 tuổi chỉ được kết nạp khi có văn bản đồng ý của ban thường vụ tỉnh ủy, thành ủy "
                "trước ngày quyết định (Hướng dẫn 06-HD/TW, mục 1.1): hãy ghi văn bản đồng ý trước."
            )
        if c.cell_resolution_on:
            due = rules.decision_due(c.cell_resolution_on, cal)
            if on > due:
                late = True
                warnings.append(
                    f"Quyết định sau hạn 45 ngày làm việc kể từ nghị quyết chi bộ (hạn {due:%d/%m/%Y}); "
                    "cấp ủy phải báo cáo lý do (Quy định 294-QĐ/TW, mục 4.3.1)."
                )
    elif code == "ceremony":
        received = c.decision_received_on or c.decision_on
        _not_before(errors, "ceremony_on", v["ceremony_on"], received, "ngày nhận quyết định kết nạp")
        if received:
            due = rules.ceremony_due(received, cal)
            if v["ceremony_on"] > due:
                late = True
                warnings.append(
                    f"Lễ kết nạp sau hạn 30 ngày làm việc (hạn {due:%d/%m/%Y}); phải báo cáo và được cấp ủy cấp trên "
                    "trực tiếp đồng ý (Quy định 294-QĐ/TW, mục 4.1)."
                )
    elif code == "recognition":
        if not c.new_member_cert_on:
            errors["__all__"] = ["Chưa có giấy chứng nhận lớp bồi dưỡng đảng viên mới (Hướng dẫn 06-HD/TW, mục 4.1)."]
        cell_on = v["recognition_cell_resolution_on"]
        if c.probation_ends_on and cell_on < c.probation_ends_on:
            errors.setdefault("recognition_cell_resolution_on", []).append(
                f"Chưa hết 12 tháng dự bị (hết ngày {c.probation_ends_on:%d/%m/%Y}); chi bộ xét sau thời điểm này "
                "(Hướng dẫn 06-HD/TW, mục 4.2)."
            )
        _not_before(errors, "recognition_on", v["recognition_on"], cell_on, "nghị quyết chi bộ")
        _vote(
            errors,
            "recognition_votes_for",
            v["recognition_votes_for"],
            v["recognition_members_counted"],
            rules.at_least_two_thirds,
            "Chưa đủ hai phần ba số đảng viên chính thức của chi bộ tán thành (Hướng dẫn 06-HD/TW, mục 4.5)",
        )
        if c.probation_ends_on:
            due = rules.recognition_due(c.probation_ends_on, cal)
            if cell_on > due:
                late = True
                warnings.append(
                    f"Chi bộ xét sau hạn 30 ngày làm việc kể từ khi hết 12 tháng dự bị (hạn {due:%d/%m/%Y}) "
                    "(Quy định 294-QĐ/TW, mục 4.2.1); ngày công nhận vẫn là ngày hết 12 tháng dự bị (mục 4.2.2)."
                )
            decision_due = rules.recognition_decision_due(cell_on, cal)
            if v["recognition_on"] > decision_due:
                late = True
                warnings.append(
                    "Quyết định công nhận sau hạn 30 ngày làm việc kể từ nghị quyết chi bộ "
                    f"(hạn {decision_due:%d/%m/%Y})."
                )
    elif step.exit:
        last = max((d for d in (c.stage_on, c.listed_on) if d), default=None)
        _not_before(errors, "exit_on", v["exit_on"], last, "ngày của bước hiện tại")
    return errors, warnings, late


def _derived(step: Step, c: Candidate, v: dict) -> dict:
    """Values a step sets besides its own fields."""
    if step.code == "ceremony":
        return {"probation_ends_on": rules.probation_ends_on(v["ceremony_on"])}
    if step.code == "recognition":
        # Recognized as of the end of the 12 months, even when decided late (Quy định 294-QĐ/TW, mục 4.2.2).
        return {"full_member_from": c.probation_ends_on}
    return {}


def _refresh_due(c: Candidate, cal: rules.WorkCalendar) -> None:
    deadline = rules.next_deadline(c, cal)
    c.next_due_on = deadline.due_on if deadline else None
    c.next_due_kind = deadline.kind if deadline else ""


def _apply_step(*, actor, c: Candidate, step: Step, values: dict, today: dt.date) -> StepResult:
    """The stage machine in one place. `c` is locked by the caller; access was checked by the caller."""
    if c.stage not in step.sources:
        raise ApplicationError(step_refusal(step, c.stage))
    v = _clean_step_values(step, values, today)
    cal = calendar_for(c.tenant_id)
    errors, warnings, late = _check_step(step, c, v, cal)
    if errors:
        raise ApplicationError("Chưa thể ghi bước “" + step.label + "”.", errors=errors)
    changes: dict = {}
    stored = {spec.name: v[spec.name] for spec in step.fields if spec.stored}
    stored.update(_derived(step, c, v))
    event_date = v[step.date_field]
    if step.target is not None:
        stored["stage"] = step.target
        stored["stage_on"] = event_date
    for name, value in stored.items():
        old = getattr(c, name)
        if old != value:
            changes[name] = (old, value)
            setattr(c, name, value)
    _refresh_due(c, cal)
    from_stage = changes.get("stage", (c.stage, c.stage))[0]
    data = {"changes": {name: [_plain(o), _plain(n)] for name, (o, n) in changes.items()}}
    if warnings:
        data["warnings"] = warnings
    document = v.get(step.document_field, "") if step.document_field else ""
    summary = step.kind.label
    if step.code == "drop":
        summary += f": {ExitReason(v['exit_reason']).label}"
    event = _event(
        c,
        actor,
        step.kind,
        event_date,
        from_stage=from_stage if step.target else "",
        to_stage=step.target or "",
        document=document,
        summary=summary,
        data=data,
        late=late,
    )
    people = _step_people(step, c, v, event_date)
    voided = _step_voids(step, c, event)
    if people or voided:
        event.data.update({"people": people, "voided": voided})
        event.save(update_fields=["data"])
    c.version = F("version") + 1
    c.save()
    c.refresh_from_db()
    CandidateChange.objects.bulk_create(_change_rows(c, actor, changes, event=event, source=step.label))
    return StepResult(candidate=c, event=event, warnings=warnings)


def _step_people(step: Step, c: Candidate, v: dict, on: dt.date) -> list[int]:
    name = v.get("helper_name")
    if step.code not in ("outstanding", "ceremony") or not name:
        return []
    role = CandidatePerson.Role.HELPER if step.code == "outstanding" else CandidatePerson.Role.PROBATION_HELPER
    person = CandidatePerson.objects.create(
        candidate=c, role=role, full_name=name, cell_name=v.get("helper_cell", ""), started_on=on
    )
    return [person.pk]


def _step_voids(step: Step, c: Candidate, event: CandidateEvent) -> list[int]:
    """A cancelled admission (294-QĐ/TW, mục 4.4) stops counting: its admission, ceremony and recognition."""
    if step.code != "cancel":
        return []
    kinds = [EventKind.ADMISSION, EventKind.CEREMONY, EventKind.RECOGNITION]
    ids = list(c.events.filter(kind__in=kinds, voided=False).values_list("pk", flat=True))
    CandidateEvent.objects.filter(pk__in=ids).update(voided=True, voided_by=event)
    return ids


@transaction.atomic
def candidate_advance(
    *,
    actor,
    candidate: Candidate,
    step_code: str,
    values: dict,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> StepResult:
    """Take one step of the stage machine (candidates.stages): check that it is allowed from the current stage,
    that its fields are present and its rules hold, then change the stage and append the event together.
    Deadlines that were missed do not block; they are recorded on the event (`late`) and returned as warnings.
    """
    _require(actor, Action.MANAGE_CANDIDATES, candidate.organization)
    step = STEP_BY_CODE.get(step_code)
    if step is None:
        raise ApplicationError("Bước không hợp lệ.")
    c = _lock(candidate, expected_version)
    return _apply_step(actor=actor, c=c, step=step, values=values, today=today or _today())


UNDOABLE = frozenset(set(EventKind.values) - {EventKind.CREATED, EventKind.TRANSFERRED, EventKind.CORRECTION})


@transaction.atomic
def candidate_correct(*, actor, candidate: Candidate, reason: str, expected_version: int | None = None) -> StepResult:
    """Undo the last recorded step (a wrong entry): restore what it changed, mark its event void, and append a
    correction event that points to it. Nothing is deleted; counts skip the void event."""
    _require(actor, Action.MANAGE_CANDIDATES, candidate.organization)
    reason = nfc(reason)
    if not reason:
        raise ApplicationError("Hãy ghi lý do đính chính.", errors={"reason": ["Bắt buộc."]})
    c = _lock(candidate, expected_version)
    last = c.events.filter(voided=False, kind__in=UNDOABLE).order_by("-id").first()
    if last is None:
        raise ApplicationError("Không có bước nào để đính chính.")
    changes = {}
    for name, (_old, _new) in last.data.get("changes", {}).items():
        value = _from_plain(name, _old)
        current = getattr(c, name)
        if current != value:
            changes[name] = (current, value)
            setattr(c, name, value)
    CandidateEvent.objects.filter(pk__in=last.data.get("voided", [])).update(voided=False, voided_by=None)
    CandidatePerson.objects.filter(pk__in=last.data.get("people", []), ended_on__isnull=True).update(
        ended_on=_today(), end_reason="Đính chính"
    )
    _refresh_due(c, calendar_for(c.tenant_id))
    step = STEP_BY_KIND.get(last.kind)
    label = step.label if step else last.get_kind_display()
    event = _event(
        c,
        actor,
        EventKind.CORRECTION,
        _today(),
        from_stage=changes.get("stage", (c.stage, c.stage))[0] if "stage" in changes else "",
        to_stage=c.stage if "stage" in changes else "",
        summary=f"Đính chính, hủy bước “{label}” ngày {last.event_date:%d/%m/%Y}: {reason}",
        data={"changes": {name: [_plain(o), _plain(n)] for name, (o, n) in changes.items()}, "reason": reason},
    )
    event.corrects = last
    event.save(update_fields=["corrects"])
    last.voided = True
    last.voided_by = event
    last.save(update_fields=["voided", "voided_by"])
    c.version = F("version") + 1
    c.save()
    c.refresh_from_db()
    CandidateChange.objects.bulk_create(_change_rows(c, actor, changes, event=event, source="Đính chính"))
    return StepResult(candidate=c, event=event)


@transaction.atomic
def candidate_transfer(
    *,
    actor,
    candidate: Candidate,
    to_organization: Organization,
    on: dt.date,
    note: str = "",
    expected_version: int | None = None,
) -> StepResult:
    """Move a candidate to another cell of the tenant; the steps already done are kept (Hướng dẫn 06-HD/TW,
    mục 3.9). The receiving cell assigns a new helper, so current helpers end here."""
    _require(actor, Action.MANAGE_CANDIDATES, candidate.organization)
    c = _lock(candidate, expected_version)
    if not c.is_open:
        raise ApplicationError("Hồ sơ đã kết thúc, không chuyển được.")
    if to_organization.tenant_id != c.tenant_id:
        raise ApplicationError("Chỉ chuyển được sang chi bộ trong cùng đảng bộ.")
    _check_cell(to_organization)
    if to_organization.pk == c.organization_id:
        raise ApplicationError("Quần chúng đang ở chi bộ này.")
    if on is None or on > _today():
        raise ApplicationError("Ngày chuyển không hợp lệ.", errors={"on": ["Ngày không hợp lệ."]})
    source = c.organization
    changes = {"organization": (source.name, to_organization.name)}
    c.organization = to_organization
    c.org_path = to_organization.path
    ended = list(
        c.people.filter(
            role__in=[CandidatePerson.Role.HELPER, CandidatePerson.Role.PROBATION_HELPER], ended_on__isnull=True
        ).values_list("pk", flat=True)
    )
    CandidatePerson.objects.filter(pk__in=ended).update(ended_on=on, end_reason="Chuyển chi bộ")
    event = _event(
        c,
        actor,
        EventKind.TRANSFERRED,
        on,
        summary=f"Chuyển từ “{source.name}” sang “{to_organization.name}”" + (f": {nfc(note)}" if note else ""),
        data={"from": source.pk, "from_path": source.path, "to": to_organization.pk, "people_ended": ended},
    )
    c.version = F("version") + 1
    c.save()
    c.refresh_from_db()
    rows = _change_rows(c, actor, {}, event=event)
    rows.append(
        CandidateChange(
            candidate=c,
            actor=_user(actor),
            field="organization",
            label="chi bộ",
            old=changes["organization"][0],
            new=changes["organization"][1],
            event=event,
            source="Chuyển chi bộ",
        )
    )
    CandidateChange.objects.bulk_create(rows)
    return StepResult(candidate=c, event=event)


# --- helpers and introducers -------------------------------------------------------------------------------------


@transaction.atomic
def candidate_person_add(
    *,
    actor,
    candidate: Candidate,
    role: str,
    kind: str = CandidatePerson.Kind.MEMBER,
    full_name: str,
    cell_name: str = "",
    together_since: dt.date | None = None,
    replacement: bool = False,
    document: str = "",
    started_on: dt.date | None = None,
) -> CandidatePerson:
    """Add a helper or an introducer. Introducers are full members by name and cell (with the date they started
    working, studying or living together: 12 months are needed, Quy định 294-QĐ/TW, mục 3.2.1), or the Youth
    Union / trade union with its resolution (mục 3.1)."""
    _require(actor, Action.MANAGE_CANDIDATES, candidate.organization)
    errors: dict[str, list[str]] = {}
    full_name, cell_name, document = nfc(full_name), nfc(cell_name), nfc(document)
    if role not in CandidatePerson.Role.values:
        errors["role"] = ["Vai trò không hợp lệ."]
    if kind not in CandidatePerson.Kind.values:
        errors["kind"] = ["Không hợp lệ."]
    if not full_name or full_name.startswith(FORMULA_START):
        errors["full_name"] = ["Chưa ghi họ và tên (hoặc tên tổ chức đoàn)."]
    if kind != CandidatePerson.Kind.MEMBER and role != CandidatePerson.Role.INTRODUCER:
        errors["kind"] = ["Đoàn Thanh niên, công đoàn chỉ là người giới thiệu; người giúp đỡ là đảng viên."]
    if kind != CandidatePerson.Kind.MEMBER and not document:
        errors["document"] = ["Hãy ghi số, ngày nghị quyết giới thiệu."]
    if together_since and together_since > _today():
        errors["together_since"] = ["Ngày còn ở tương lai."]
    if errors:
        raise ApplicationError("Thông tin chưa hợp lệ.", errors=errors)
    if not candidate.is_open:
        raise ApplicationError("Hồ sơ đã kết thúc.")
    person = CandidatePerson.objects.create(
        candidate=candidate,
        role=role,
        kind=kind,
        full_name=full_name,
        cell_name=cell_name,
        together_since=together_since,
        replacement=replacement,
        document=document,
        started_on=started_on or _today(),
    )
    CandidateChange.objects.create(
        candidate=candidate,
        actor=_user(actor),
        field="people",
        label=person.get_role_display(),
        new=f"{full_name}" + (f" ({cell_name})" if cell_name else ""),
        source="Thêm người giúp đỡ, giới thiệu",
    )
    return person


@transaction.atomic
def candidate_person_end(*, actor, person: CandidatePerson, reason: str = "") -> CandidatePerson:
    _require(actor, Action.MANAGE_CANDIDATES, person.candidate.organization)
    if person.ended_on is not None:
        raise ApplicationError("Người này đã thôi từ trước.")
    person.ended_on = _today()
    person.end_reason = nfc(reason)[:120] or "Thôi phân công"
    person.save(update_fields=["ended_on", "end_reason"])
    CandidateChange.objects.create(
        candidate=person.candidate,
        actor=_user(actor),
        field="people",
        label=person.get_role_display(),
        old=person.full_name,
        source=person.end_reason,
    )
    return person


# --- privacy -----------------------------------------------------------------------------------------------------


def sensitive_access_log(*, user, candidates: Iterable[Candidate], what: str, fields=SENSITIVE_FIELDS) -> int:
    """Append who saw or exported the sensitive fields of which candidates (one row per candidate)."""
    text = ",".join(fields)
    rows = [SensitiveAccess(user=_user(user), candidate_id=c.pk, what=what, fields=text) for c in candidates]
    SensitiveAccess.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def sensitive_reveal(*, user, candidate: Candidate) -> Candidate:
    """Show the sensitive fields to a role that covers the cell, and log it."""
    _require(user, Action.VIEW_SENSITIVE, candidate.organization)
    sensitive_access_log(user=user, candidates=[candidate], what=SensitiveAccess.What.VIEW)
    return candidate


# --- holidays and due dates --------------------------------------------------------------------------------------


def _require_tenant_admin(actor, organization: Organization) -> Organization:
    """The calendar is the tenant's: the user must manage the tree at the tenant's root."""
    access = access_for(actor)
    access.require(Action.MANAGE_TREE, organization)
    root = Organization.objects.get(pk=organization.tenant_id)
    if not access.can(Action.MANAGE_TREE, root):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Chỉ quản trị hệ thống của đảng bộ được sửa lịch ngày nghỉ.")
    return root


@transaction.atomic
def holiday_add(
    *, actor, organization: Organization, date: dt.date, name: str, is_working_day: bool = False, basis: str = ""
) -> Holiday:
    """Add a tenant's day off (or a worked Saturday); it overrides the national calendar on that date."""
    root = _require_tenant_admin(actor, organization)
    name = nfc(name)
    if not name or date is None:
        raise ApplicationError("Hãy ghi ngày và tên ngày nghỉ.")
    if Holiday.objects.filter(tenant=root, date=date).exists():
        raise ApplicationError(f"Đã có ngày {date:%d/%m/%Y} trong lịch của đảng bộ.")
    holiday = Holiday.objects.create(
        tenant=root, date=date, name=name, is_working_day=is_working_day, basis=nfc(basis), created_by=_user(actor)
    )
    calendar_changed(root.pk)
    due_dates_refresh(tenant_id=root.pk)
    return holiday


@transaction.atomic
def holiday_delete(*, actor, organization: Organization, holiday: Holiday) -> None:
    root = _require_tenant_admin(actor, organization)
    if holiday.tenant_id != root.pk:
        raise ApplicationError("Ngày nghỉ chung của cả nước không xóa được; hãy thêm ngày của đảng bộ để thay thế.")
    holiday.delete()
    calendar_changed(root.pk)
    due_dates_refresh(tenant_id=root.pk)


def due_dates_refresh(*, tenant_id: int) -> int:
    """Recompute the stored next deadline of a tenant's open candidates (after the calendar changed)."""
    cal = calendar_for(tenant_id)
    stages = [Stage.SOURCE, Stage.OUTSTANDING, Stage.TRAINED, Stage.DOSSIER]
    stages += [Stage.CELL_PROPOSED, Stage.BASE_PROPOSED, Stage.ADMITTED, Stage.PROBATION]
    changed = []
    for c in (
        Candidate.objects.filter(tenant_id=tenant_id, stage__in=stages)
        .only(
            *[
                "id",
                "stage",
                "tenant_id",
                "awareness_cert_on",
                "dossier_on",
                "verification_sent_on",
                "verification_abroad",
                "cell_resolution_on",
                "decision_on",
                "decision_received_on",
                "probation_ends_on",
                "next_due_on",
                "next_due_kind",
            ]
        )
        .iterator(chunk_size=2000)
    ):
        before = (c.next_due_on, c.next_due_kind)
        _refresh_due(c, cal)
        if (c.next_due_on, c.next_due_kind) != before:
            changed.append(c)
    Candidate.objects.bulk_update(changed, ["next_due_on", "next_due_kind"], batch_size=2000)
    return len(changed)


def on_subtree_moved(sender, *, tenant_id: int, old_path: str, new_path: str, **kwargs) -> None:
    """Keep the path copies of candidates and events in step with a move of the tree, in the same transaction."""
    from django.db.models import Value
    from django.db.models.functions import Concat, Substr

    rewritten = Concat(Value(new_path), Substr("org_path", len(old_path) + 1))
    for model in (Candidate, CandidateEvent):
        model.objects.filter(tenant_id=tenant_id, org_path__startswith=old_path).update(org_path=rewritten)


def org_paths_refresh(*, tenant_id: int | None = None) -> int:
    """Copy the current tree paths onto candidates and events after organizations were moved in the tree.

    Run by the `candidates_refresh_paths` command (and meant to be called after organizations.services moves a
    node): the copies serve the reports' subtree counts; visibility always uses the live tree.
    """
    from django.db.models import OuterRef, Subquery

    path = Subquery(Organization.objects.filter(pk=OuterRef("organization_id")).values("path")[:1])
    candidates = Candidate.objects.all()
    events = CandidateEvent.objects.all()
    if tenant_id is not None:
        candidates = candidates.filter(tenant_id=tenant_id)
        events = events.filter(tenant_id=tenant_id)
    updated = candidates.exclude(org_path=path).update(org_path=path)
    updated += events.exclude(org_path=path).update(org_path=path)
    return updated


# --- training classes --------------------------------------------------------------------------------------------

CLASS_FIELDS = ("kind", "name", "organizer", "place", "starts_on", "ends_on", "certificate_on", "note")
AWARENESS_STAGES = frozenset({Stage.SOURCE, Stage.OUTSTANDING, Stage.TRAINED, Stage.DOSSIER})
NEW_MEMBER_STAGES = frozenset({Stage.ADMITTED, Stage.PROBATION})


def class_stages(kind: str) -> frozenset:
    return AWARENESS_STAGES if kind == TrainingClass.Kind.AWARENESS else NEW_MEMBER_STAGES


@transaction.atomic
def training_class_save(
    *, actor, organization: Organization, training_class: TrainingClass | None = None, **values
) -> TrainingClass:
    """Create or edit a class run by `organization` (its dates, place, organizer)."""
    target = training_class.organization if training_class else organization
    _require(actor, Action.MANAGE_CANDIDATES, target)
    unknown = set(values) - set(CLASS_FIELDS)
    if unknown:
        raise ApplicationError("Trường không hợp lệ: " + ", ".join(sorted(unknown)))
    values = {k: nfc(v) if isinstance(v, str) else v for k, v in values.items()}
    errors: dict[str, list[str]] = {}
    if values.get("kind") not in TrainingClass.Kind.values:
        errors["kind"] = ["Chưa chọn loại lớp."]
    if not values.get("name"):
        errors["name"] = ["Chưa ghi tên lớp."]
    if values.get("starts_on") and values.get("ends_on") and values["ends_on"] < values["starts_on"]:
        errors["ends_on"] = ["Ngày bế giảng trước ngày khai giảng."]
    if values.get("certificate_on") and values.get("starts_on") and values["certificate_on"] < values["starts_on"]:
        errors["certificate_on"] = ["Ngày cấp giấy chứng nhận trước ngày khai giảng."]
    if training_class and training_class.enrolments.exists() and values.get("kind") != training_class.kind:
        errors["kind"] = ["Lớp đã có học viên, không đổi loại lớp được."]
    if errors:
        raise ApplicationError("Thông tin lớp chưa hợp lệ.", errors=errors)
    if training_class is None:
        training_class = TrainingClass(
            tenant_id=organization.tenant_id, organization=organization, created_by=_user(actor)
        )
    for name, value in values.items():
        setattr(training_class, name, value)
    training_class.save()
    return training_class


@transaction.atomic
def class_enrol(*, actor, training_class: TrainingClass, candidates: Iterable[Candidate]) -> int:
    """Enrol many candidates at once; each must be in a stage that takes this kind of class and in a cell the
    actor manages. Already enrolled candidates are left as they are."""
    access = access_for(actor)
    allowed_stages = class_stages(training_class.kind)
    errors: dict[str, list[str]] = {}
    chosen = list(candidates)
    for c in chosen:
        if c.tenant_id != training_class.tenant_id or not access.can(Action.MANAGE_CANDIDATES, c.organization):
            errors.setdefault("candidates", []).append("Có quần chúng không thuộc phạm vi của đồng chí.")
        elif c.stage not in allowed_stages:
            errors.setdefault("candidates", []).append(
                f"{c.full_name}: đang ở bước “{stage_label(c.stage)}”, không học lớp này."
            )
    if errors:
        raise ApplicationError("Chưa ghi danh được.", errors=errors)
    if not chosen:
        raise ApplicationError("Hãy chọn ít nhất một quần chúng.")
    before = training_class.enrolments.count()
    Enrolment.objects.bulk_create(
        [Enrolment(training_class=training_class, candidate=c) for c in chosen], ignore_conflicts=True
    )
    return training_class.enrolments.count() - before


@transaction.atomic
def class_unenrol(*, actor, enrolment: Enrolment) -> None:
    _require(actor, Action.MANAGE_CANDIDATES, enrolment.candidate.organization)
    if enrolment.result != Enrolment.Result.PENDING:
        raise ApplicationError("Đã ghi kết quả cho học viên này; không xóa khỏi lớp được.")
    enrolment.delete()


@dataclass
class ResultRow:
    enrolment: Enrolment
    result: str
    certificate_number: str = ""
    certificate_on: dt.date | None = None
    number: int | None = None  # the row of a spreadsheet, for messages


def _result_step(training_class: TrainingClass, stage: str) -> Step | None:
    if training_class.kind == TrainingClass.Kind.NEW_MEMBER:
        return STEP_BY_CODE["new_member_certificate"]
    return STEP_BY_CODE["trained"] if stage == Stage.OUTSTANDING else STEP_BY_CODE["certificate"]


@transaction.atomic
def class_results_record(*, actor, training_class: TrainingClass, rows: list[ResultRow]) -> dict[str, int]:
    """Record results and certificate numbers for many learners at once, all or nothing. A certificate feeds
    the stage machine: an outstanding candidate becomes "trained"; others get the certificate recorded (first
    or renewed, Hướng dẫn 06-HD/TW, mục 5.4b); a probationary member gets the new-member certificate (mục 4.1).
    """
    access = access_for(actor) if actor is not None else None
    today = _today()
    errors: dict = {}
    numbers: dict[str, int | None] = {}

    def fail(row: ResultRow, message: str) -> None:
        errors.setdefault(row.number or row.enrolment.candidate.full_name, []).append(message)

    for row in rows:
        e = row.enrolment
        if e.training_class_id != training_class.pk:
            fail(row, "Học viên không thuộc lớp này.")
            continue
        if access is not None and not access.can(Action.MANAGE_CANDIDATES, e.candidate.organization):
            fail(row, "Quần chúng không thuộc phạm vi của đồng chí.")
            continue
        if row.result not in Enrolment.Result.values:
            fail(row, "Kết quả không hợp lệ.")
            continue
        row.certificate_number = nfc(row.certificate_number)
        if row.result == Enrolment.Result.PASSED:
            row.certificate_on = row.certificate_on or training_class.certificate_on
            if not row.certificate_number:
                fail(row, "Chưa ghi số giấy chứng nhận.")
            elif row.certificate_number.startswith(FORMULA_START):
                fail(row, "Số giấy chứng nhận không hợp lệ.")
            elif row.certificate_number in numbers:
                fail(row, "Số giấy chứng nhận trùng với học viên khác của lớp.")
            numbers[row.certificate_number] = row.number
            if not row.certificate_on:
                fail(row, "Chưa ghi ngày cấp giấy chứng nhận.")
            elif row.certificate_on > today or row.certificate_on < training_class.starts_on:
                fail(row, "Ngày cấp giấy chứng nhận không hợp lệ (trước ngày khai giảng hoặc ở tương lai).")
        elif row.certificate_number:
            fail(row, "Chỉ ghi số giấy chứng nhận cho học viên hoàn thành.")
    if errors:
        raise ApplicationError("Kết quả có lỗi, chưa ghi gì.", errors=errors)
    counts = {"passed": 0, "stage": 0, "unchanged": 0}
    for row in rows:
        e = row.enrolment
        same = (
            e.result == row.result
            and e.certificate_number == row.certificate_number
            and e.certificate_on == (row.certificate_on if row.result == Enrolment.Result.PASSED else None)
        )
        if same:
            counts["unchanged"] += 1
            continue
        if e.result == Enrolment.Result.PASSED and row.result != Enrolment.Result.PASSED:
            fail(row, "Đã ghi giấy chứng nhận; muốn sửa hãy đính chính trên trang của quần chúng.")
            continue
        e.result = row.result
        e.certificate_number = row.certificate_number if row.result == Enrolment.Result.PASSED else ""
        e.certificate_on = row.certificate_on if row.result == Enrolment.Result.PASSED else None
        e.recorded_at = timezone.now()
        e.save(update_fields=["result", "certificate_number", "certificate_on", "recorded_at"])
        if row.result != Enrolment.Result.PASSED:
            continue
        counts["passed"] += 1
        c = _lock(e.candidate, None)
        step = _result_step(training_class, c.stage)
        prefix = step.fields[0].name
        values = {prefix: row.certificate_number, step.fields[1].name: row.certificate_on}
        try:
            _apply_step(actor=actor, c=c, step=step, values=values, today=today)
        except ApplicationError as error:
            details = [m for texts in error.errors.values() for m in texts]
            fail(row, " ".join([error.message, *details]))
            continue
        counts["stage"] += 1 if step.target else 0
    if errors:
        raise ApplicationError("Kết quả có lỗi, chưa ghi gì.", errors=errors)
    return counts
