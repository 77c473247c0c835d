"""Importing the candidate list and class results from spreadsheets: validate the whole file, then write it in
one transaction (nothing is written when one row is wrong).

Candidate rows become sources (nguồn) of their cell. Invariants: every row's cell is an active cell in the
subtree the import was started at (and, for a user, one where they manage candidates); ID numbers are unique in
the file and against the tenant's open files; no cell holds a formula. Lookups are cached per file (one query
for all cells, one for all ID numbers), rows are written with bulk_create: 10,000 rows take a few seconds.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from config.errors import ApplicationError
from config.text import fold
from organizations.access import Action, access_for
from organizations.models import Organization
from organizations.spreadsheets import (
    ACTION_CREATE,
    ACTION_UNCHANGED,
    ACTION_UPDATE,
    ImportResult,
    RowReport,
    cell_date,
    cell_text,
    map_headers,
    read_sheet,
    write_xlsx,
)

from .models import Candidate, CandidateChange, CandidateEvent, Enrolment, SensitiveAccess, TrainingClass
from .resources import (
    CANDIDATE_COLUMNS,
    CANDIDATE_REQUIRED,
    RESULT_COLUMNS,
    RESULT_REQUIRED,
    SENSITIVE_COLUMNS,
    CandidateResource,
    EducationWidget,
    ResultResource,
    ResultWidget,
    SexWidget,
    refuse_formulas,
)
from .services import FORMULA_START, ResultRow, _clean_person, categories_for, class_results_record
from .stages import EXITS, EventKind, Stage

logger = logging.getLogger(__name__)

PREVIEW_COLUMNS = ["Mã chi bộ", "Họ và tên", "Giới tính", "Ngày sinh"]
TEXT_COLUMNS = {
    "Dân tộc": "ethnicity",
    "Tôn giáo": "religion",
    "Trình độ chuyên môn": "qualification",
    "Nghề nghiệp, chức vụ": "occupation",
    "Nơi làm việc, học tập": "workplace",
    "Điện thoại": "phone",
    "Số định danh": "national_id",
    "Ghi chú": "notes",
}


def _formula_text(value) -> bool:
    return isinstance(value, str) and value.startswith(("=", "@"))


class _CandidateImport:
    def __init__(self, *, actor, at: Organization, sheet, today: dt.date):
        self.actor, self.at, self.sheet, self.today = actor, at, sheet, today
        map_headers(sheet, CANDIDATE_COLUMNS, required=CANDIDATE_REQUIRED)
        self.headers = list(sheet.dataset.headers)
        self.present = set(self.headers)
        self.result = ImportResult(columns=PREVIEW_COLUMNS)
        self.planned: list[tuple[Candidate, list[int]]] = []

    def load(self) -> None:
        codes = {cell_text(v) for v in self.sheet.dataset["Mã chi bộ"]} - {""}
        self.cells = {
            o.code: o
            for o in Organization.objects.filter(tenant_id=self.at.tenant_id, code__in=codes).select_related("kind")
        }
        self.manage_paths = access_for(self.actor).paths(Action.MANAGE_CANDIDATES) if self.actor else None
        ids = set()
        if "Số định danh" in self.present:
            ids = {"".join(cell_text(v).split()) for v in self.sheet.dataset["Số định danh"]} - {""}
        self.taken = set(
            Candidate.objects.filter(tenant_id=self.at.tenant_id, national_id__in=ids)
            .exclude(stage__in=EXITS)
            .values_list("national_id", flat=True)
        )
        self.categories = {}
        for category in categories_for(self.at):
            for key in (category.code, category.name, category.abbreviation):
                if key:
                    self.categories[fold(key)] = category

    def _cell(self, code: str) -> tuple[Organization | None, str | None]:
        if not code:
            return None, "Thiếu mã chi bộ."
        organization = self.cells.get(code)
        in_scope = organization is not None and organization.path.startswith(self.at.path)
        if in_scope and self.manage_paths is not None:
            in_scope = any(organization.path.startswith(p) for p in self.manage_paths)
        if not in_scope:
            # The same words whether the code exists elsewhere or not: nothing is learnt about other branches.
            return None, f"Không tìm thấy chi bộ mã “{code}” trong phạm vi “{self.at.name}”."
        if not organization.kind.is_cell:
            return None, f"“{organization.name}” không phải chi bộ."
        if organization.valid_to is not None:
            return None, f"Chi bộ “{organization.name}” đã giải thể hoặc sáp nhập."
        return organization, None

    def check(self) -> None:
        first_row_of_id: dict[str, int] = {}
        sex_widget, education_widget = SexWidget(), EducationWidget()
        for number, values in zip(self.sheet.row_numbers, self.sheet.dataset, strict=True):
            row = dict(zip(self.headers, values, strict=False))
            errors: list[str] = []
            for column, value in row.items():
                if _formula_text(value):
                    errors.append(f"Ô “{column}” bắt đầu bằng ký tự của công thức; hãy ghi giá trị.")
            code = cell_text(row.get("Mã chi bộ"))
            organization, problem = self._cell(code)
            if problem:
                errors.append(problem)
            fields: dict = {"full_name": cell_text(row.get("Họ và tên"))}
            for column, name, widget in (
                ("Giới tính", "sex", sex_widget),
                ("Trình độ phổ thông", "education", education_widget),
            ):
                if column in self.present:
                    try:
                        fields[name] = widget.clean(row.get(column))
                    except ValueError as exc:
                        errors.append(str(exc))
            try:
                fields["birth_date"] = cell_date(row.get("Ngày sinh"))
            except ValueError as exc:
                errors.append(f"Ngày sinh: {exc}")
            for column, name in TEXT_COLUMNS.items():
                if column in self.present:
                    fields[name] = cell_text(row.get(column))
            category_ids = []
            for part in cell_text(row.get("Đối tượng")).replace(";", ",").split(","):
                if part.strip():
                    category = self.categories.get(fold(part))
                    if category is None:
                        errors.append(f"Không có đối tượng “{part.strip()}”.")
                    else:
                        category_ids.append(category.pk)
            national_id = "".join(fields.get("national_id", "").split())
            if national_id:
                if national_id in first_row_of_id:
                    errors.append(f"Số định danh trùng với dòng {first_row_of_id[national_id]}.")
                else:
                    first_row_of_id[national_id] = number
                if national_id in self.taken:
                    errors.append("Số định danh đã có trong một hồ sơ khác đang theo dõi.")
            if not errors:
                try:
                    fields = _clean_person(fields, tenant_id=self.at.tenant_id, today=self.today, check_clash=False)
                except ApplicationError as error:
                    errors += [message for texts in error.errors.values() for message in texts] or [error.message]
            if fields.get("full_name", "").startswith(FORMULA_START):
                errors.append("Họ và tên không hợp lệ.")
            birth = fields.get("birth_date")
            cells = [code, fields.get("full_name", ""), cell_text(row.get("Giới tính")), cell_text(birth)]
            self.result.rows.append(RowReport(number=number, cells=cells, action=ACTION_CREATE, errors=errors))
            if not errors:
                candidate = Candidate(
                    organization=organization,
                    tenant_id=organization.tenant_id,
                    org_path=organization.path,
                    stage=Stage.SOURCE,
                    stage_on=self.today,
                    listed_on=self.today,
                    created_by=self.actor if self.actor is not None else None,
                    **fields,
                )
                candidate.fill_derived()
                self.planned.append((candidate, category_ids))

    def write(self, filename: str) -> None:
        candidates = [c for c, _ in self.planned]
        try:
            with transaction.atomic():
                Candidate.objects.bulk_create(candidates, batch_size=1000)
        except IntegrityError as exc:
            raise ApplicationError("Có số định danh vừa được ghi ở hồ sơ khác; chưa ghi gì. Hãy tải lên lại.") from exc
        through = Candidate.categories.through
        women = next((c for c in self.categories.values() if c.code == "nu"), None)
        links = set()
        for candidate, category_ids in self.planned:
            ids = set(category_ids)
            if women is not None and candidate.sex == "female":
                ids.add(women.pk)
            links |= {(candidate.pk, pk) for pk in ids}
        through.objects.bulk_create([through(candidate_id=c, category_id=k) for c, k in sorted(links)], batch_size=2000)
        actor = self.actor if self.actor is not None else None
        CandidateEvent.objects.bulk_create(
            [
                CandidateEvent(
                    tenant_id=c.tenant_id,
                    candidate=c,
                    organization_id=c.organization_id,
                    org_path=c.org_path,
                    kind=EventKind.CREATED,
                    event_date=self.today,
                    to_stage=Stage.SOURCE,
                    summary="Đưa vào nguồn (nhập từ bảng tính)",
                    actor=actor,
                )
                for c in candidates
            ],
            batch_size=2000,
        )
        CandidateChange.objects.bulk_create(
            [
                CandidateChange(
                    candidate=c,
                    actor=actor,
                    field="__created__",
                    label="Tạo hồ sơ",
                    new=f"Nhập từ bảng tính “{filename}”"[:200],
                    source="Nhập bảng tính",
                )
                for c in candidates
            ],
            batch_size=2000,
        )
        sensitive = [name for column, name in SENSITIVE_COLUMNS.items() if column in self.present]
        if sensitive:
            SensitiveAccess.objects.bulk_create(
                [
                    SensitiveAccess(
                        user=actor, candidate=c, what=SensitiveAccess.What.IMPORT, fields=",".join(sensitive)
                    )
                    for c in candidates
                ],
                batch_size=2000,
            )
        self.result.written = True


def candidates_import_file(
    *, actor, at: Organization, source, filename: str = "", dry_run: bool = False, today: dt.date | None = None
) -> ImportResult:
    """Read, check and (unless `dry_run` or a row is wrong) write a candidate list. `actor` None means a
    management command run by an operator: the scope is then the subtree of `at`."""
    if actor is not None:
        access_for(actor).require(Action.MANAGE_CANDIDATES, at)
    sheet = read_sheet(source, filename=filename)
    refuse_formulas(source if isinstance(source, bytes) else b"")
    job = _CandidateImport(actor=actor, at=at, sheet=sheet, today=today or timezone.localdate())
    job.load()
    job.check()
    if dry_run or not job.result.is_valid:
        return job.result
    with transaction.atomic():
        job.write(filename or sheet.filename)
    return job.result


def candidates_export_xlsx(*, queryset, user=None, with_sensitive: bool = False) -> bytes:
    """The candidates of `queryset` as .xlsx; when the sensitive columns are included, each export is logged."""
    queryset = queryset.select_related("organization").prefetch_related("categories").order_by("org_path", "name_key")
    resource = CandidateResource(with_sensitive=with_sensitive)
    dataset = resource.export(queryset=queryset)
    if with_sensitive:
        from .services import sensitive_access_log

        ids = Candidate.objects.filter(pk__in=queryset.values("pk")).only("id")
        sensitive_access_log(user=user, candidates=ids, what=SensitiveAccess.What.EXPORT)
    return write_xlsx(dataset, title="Quần chúng")


# --- class results -----------------------------------------------------------------------------------------------


def class_results_export_xlsx(*, enrolments: list[Enrolment]) -> bytes:
    dataset = ResultResource().export(queryset=enrolments)
    return write_xlsx(dataset, title="Kết quả học tập")


def class_results_import_file(
    *, actor, training_class: TrainingClass, enrolments: list[Enrolment], source, filename: str = "", dry_run=False
) -> ImportResult:
    """Results for the learners of a class the actor may see (`enrolments`), all or nothing; passing learners'
    certificates go through the stage machine (candidates.services.class_results_record)."""
    sheet = read_sheet(source, filename=filename)
    refuse_formulas(source if isinstance(source, bytes) else b"")
    map_headers(sheet, RESULT_COLUMNS, required=RESULT_REQUIRED)
    headers = list(sheet.dataset.headers)
    by_candidate = {e.candidate_id: e for e in enrolments}
    result = ImportResult(columns=["Mã hồ sơ", "Họ và tên", "Kết quả", "Số giấy chứng nhận", "Ngày cấp"])
    rows: list[ResultRow] = []
    seen: dict[int, int] = {}
    widget = ResultWidget()
    for number, values in zip(sheet.row_numbers, sheet.dataset, strict=True):
        row = dict(zip(headers, values, strict=False))
        errors: list[str] = []
        for column, value in row.items():
            if _formula_text(value):
                errors.append(f"Ô “{column}” bắt đầu bằng ký tự của công thức; hãy ghi giá trị.")
        key = cell_text(row.get("Mã hồ sơ"))
        enrolment = by_candidate.get(int(key)) if key.isdigit() else None
        if enrolment is None:
            errors.append(f"Không có học viên mã “{key}” trong lớp này.")
        elif enrolment.candidate_id in seen:
            errors.append(f"Học viên trùng với dòng {seen[enrolment.candidate_id]}.")
        else:
            seen[enrolment.candidate_id] = number
        try:
            outcome = widget.clean(row.get("Kết quả"))
        except ValueError as exc:
            errors.append(str(exc))
            outcome = None
        try:
            issued = cell_date(row.get("Ngày cấp"))
        except ValueError as exc:
            errors.append(f"Ngày cấp: {exc}")
            issued = None
        number_text = cell_text(row.get("Số giấy chứng nhận"))
        cells = [key, enrolment.candidate.full_name if enrolment else "", cell_text(row.get("Kết quả")), number_text]
        cells.append(cell_text(issued))
        changed = enrolment is not None and (
            enrolment.result != outcome
            or enrolment.certificate_number != number_text
            or (issued and enrolment.certificate_on != issued)
        )
        result.rows.append(
            RowReport(number=number, cells=cells, action=ACTION_UPDATE if changed else ACTION_UNCHANGED, errors=errors)
        )
        if not errors:
            rows.append(ResultRow(enrolment, outcome, number_text, issued, number=number))
    if not result.is_valid:
        return result
    try:
        with transaction.atomic():
            class_results_record(actor=actor, training_class=training_class, rows=rows)
            if dry_run:
                transaction.set_rollback(True)
    except ApplicationError as error:
        for report in result.rows:
            report.errors += error.errors.get(report.number, [])
        if result.is_valid:
            result.file_errors.append(error.message)
        return result
    result.written = not dry_run
    return result
