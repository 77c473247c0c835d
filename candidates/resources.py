"""Spreadsheet columns of the candidate list and of class results (django-import-export resources).

As for the organization tree (see organizations.resources), a candidate file is validated as a whole (duplicate
ID numbers across rows, cells outside the user's subtree) and then written in bulk, so the resources here define
the columns, the export (dehydrate) and the cell cleaning (widgets); `candidates.imports` runs the import.
Reading and writing files goes through organizations.spreadsheets (size, zip bomb, external links, NFC,
formula-safe .xlsx).
"""

from __future__ import annotations

import io
import re
import zipfile

from import_export import fields, resources, widgets

from config.errors import ApplicationError
from config.text import fold
from organizations.resources import DateWidget, TextWidget
from organizations.spreadsheets import cell_text

from .models import SENSITIVE_FIELDS, Candidate, Education, Enrolment, Sex
from .stages import Stage

CANDIDATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "Mã chi bộ": ("Mã tổ chức", "Mã đơn vị"),
    "Họ và tên": ("Họ tên", "Tên quần chúng"),
    "Giới tính": ("Nam/Nữ",),
    "Ngày sinh": ("Sinh ngày",),
    "Dân tộc": (),
    "Tôn giáo": (),
    "Trình độ phổ thông": ("Học vấn", "Trình độ học vấn", "Trình độ giáo dục phổ thông", "Văn hóa"),
    "Trình độ chuyên môn": ("Chuyên môn",),
    "Nghề nghiệp, chức vụ": ("Nghề nghiệp", "Chức vụ"),
    "Nơi làm việc, học tập": ("Nơi làm việc", "Nơi học tập", "Đơn vị công tác"),
    "Điện thoại": ("Số điện thoại",),
    "Số định danh": ("Số CCCD", "CCCD", "Số định danh cá nhân", "Số căn cước"),
    "Đối tượng": ("Đối tượng ưu tiên",),
    "Ghi chú": (),
}
CANDIDATE_REQUIRED = ("Mã chi bộ", "Họ và tên", "Giới tính", "Ngày sinh")
SENSITIVE_COLUMNS = {"Dân tộc": "ethnicity", "Tôn giáo": "religion", "Số định danh": "national_id"}

RESULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "Mã hồ sơ": ("Mã quần chúng", "Mã học viên"),
    "Họ và tên": ("Họ tên",),
    "Chi bộ": (),
    "Kết quả": (),
    "Số giấy chứng nhận": ("Số GCN", "Số giấy CN"),
    "Ngày cấp": ("Ngày cấp giấy chứng nhận", "Ngày cấp GCN"),
}
RESULT_REQUIRED = ("Mã hồ sơ", "Kết quả")


class SexWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        key = fold(cell_text(value))
        if key in ("nam", "m", "male"):
            return Sex.MALE
        if key in ("nu", "f", "female"):
            return Sex.FEMALE
        raise ValueError("Giới tính phải là “Nam” hoặc “Nữ”.")

    def render(self, value, obj=None, **kwargs):
        return Sex(value).label if value else ""


_EDUCATION = {
    "tieu hoc": Education.PRIMARY,
    "5/12": Education.PRIMARY,
    "trung hoc co so": Education.LOWER_SECONDARY,
    "thcs": Education.LOWER_SECONDARY,
    "9/12": Education.LOWER_SECONDARY,
    "trung hoc pho thong": Education.UPPER_SECONDARY,
    "thpt": Education.UPPER_SECONDARY,
    "12/12": Education.UPPER_SECONDARY,
}


class EducationWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        key = fold(cell_text(value))
        if not key:
            return ""
        if key in _EDUCATION:
            return _EDUCATION[key]
        raise ValueError(
            "Trình độ phổ thông ghi “Tiểu học”, “Trung học cơ sở” (9/12) hoặc “Trung học phổ thông” (12/12)."
        )

    def render(self, value, obj=None, **kwargs):
        return Education(value).label if value else ""


class ResultWidget(widgets.Widget):
    _MAP = {
        "": Enrolment.Result.PENDING,
        "chua co ket qua": Enrolment.Result.PENDING,
        "hoan thanh": Enrolment.Result.PASSED,
        "dat": Enrolment.Result.PASSED,
        "hoan thanh, duoc cap giay chung nhan": Enrolment.Result.PASSED,
        "khong dat": Enrolment.Result.FAILED,
        "khong tham gia": Enrolment.Result.ABSENT,
        "vang": Enrolment.Result.ABSENT,
    }

    def clean(self, value, row=None, **kwargs):
        key = fold(cell_text(value))
        if key in self._MAP:
            return self._MAP[key]
        raise ValueError("Kết quả ghi “Hoàn thành”, “Không đạt”, “Không tham gia” hoặc để trống.")

    def render(self, value, obj=None, **kwargs):
        return "Hoàn thành" if value == Enrolment.Result.PASSED else Enrolment.Result(value).label


class CandidateResource(resources.ModelResource):
    """Columns of the candidate list; the sensitive columns are exported only on request (and logged)."""

    cell_code = fields.Field(attribute="organization__code", column_name="Mã chi bộ", widget=TextWidget())
    cell_name = fields.Field(attribute="organization__name", column_name="Tên chi bộ", widget=TextWidget())
    full_name = fields.Field(attribute="full_name", column_name="Họ và tên", widget=TextWidget())
    sex = fields.Field(attribute="sex", column_name="Giới tính", widget=SexWidget())
    birth_date = fields.Field(attribute="birth_date", column_name="Ngày sinh", widget=DateWidget())
    ethnicity = fields.Field(attribute="ethnicity", column_name="Dân tộc", widget=TextWidget())
    religion = fields.Field(attribute="religion", column_name="Tôn giáo", widget=TextWidget())
    education = fields.Field(attribute="education", column_name="Trình độ phổ thông", widget=EducationWidget())
    qualification = fields.Field(attribute="qualification", column_name="Trình độ chuyên môn", widget=TextWidget())
    occupation = fields.Field(attribute="occupation", column_name="Nghề nghiệp, chức vụ", widget=TextWidget())
    workplace = fields.Field(attribute="workplace", column_name="Nơi làm việc, học tập", widget=TextWidget())
    phone = fields.Field(attribute="phone", column_name="Điện thoại", widget=TextWidget())
    national_id = fields.Field(attribute="national_id", column_name="Số định danh", widget=TextWidget())
    categories = fields.Field(column_name="Đối tượng", widget=TextWidget())
    notes = fields.Field(attribute="notes", column_name="Ghi chú", widget=TextWidget())
    stage = fields.Field(attribute="stage", column_name="Giai đoạn", widget=TextWidget())
    stage_on = fields.Field(attribute="stage_on", column_name="Ngày của bước", widget=DateWidget())
    awareness_cert_number = fields.Field(attribute="awareness_cert_number", column_name="Số GCN nhận thức")
    awareness_cert_on = fields.Field(
        attribute="awareness_cert_on", column_name="Ngày GCN nhận thức", widget=DateWidget()
    )
    decision_number = fields.Field(attribute="decision_number", column_name="Số quyết định kết nạp")
    decision_on = fields.Field(attribute="decision_on", column_name="Ngày quyết định kết nạp", widget=DateWidget())
    next_due_on = fields.Field(attribute="next_due_on", column_name="Hạn gần nhất", widget=DateWidget())

    class Meta:
        model = Candidate
        fields = (
            "cell_code",
            "cell_name",
            "full_name",
            "sex",
            "birth_date",
            "ethnicity",
            "religion",
            "education",
            "qualification",
            "occupation",
            "workplace",
            "phone",
            "national_id",
            "categories",
            "notes",
            "stage",
            "stage_on",
            "awareness_cert_number",
            "awareness_cert_on",
            "decision_number",
            "decision_on",
            "next_due_on",
        )
        export_order = fields

    def __init__(self, *, with_sensitive: bool = False):
        super().__init__()
        self.with_sensitive = with_sensitive

    def get_export_fields(self, selected_fields=None):
        names = [n for n in self._meta.export_order if self.with_sensitive or n not in SENSITIVE_FIELDS]
        return [self.fields[n] for n in names]

    def dehydrate_categories(self, candidate: Candidate) -> str:
        return ", ".join(c.abbreviation or c.name for c in candidate.categories.all())

    def dehydrate_stage(self, candidate: Candidate) -> str:
        return Stage(candidate.stage).label


class ResultResource(resources.ModelResource):
    """The learners of a class with their results, for filling in and importing back."""

    candidate_id = fields.Field(attribute="candidate_id", column_name="Mã hồ sơ")
    full_name = fields.Field(attribute="candidate__full_name", column_name="Họ và tên", widget=TextWidget())
    cell = fields.Field(attribute="candidate__organization__name", column_name="Chi bộ", widget=TextWidget())
    result = fields.Field(attribute="result", column_name="Kết quả", widget=ResultWidget())
    certificate_number = fields.Field(attribute="certificate_number", column_name="Số giấy chứng nhận")
    certificate_on = fields.Field(attribute="certificate_on", column_name="Ngày cấp", widget=DateWidget())

    class Meta:
        model = Enrolment
        fields = ("candidate_id", "full_name", "cell", "result", "certificate_number", "certificate_on")
        export_order = fields


_FORMULA_CELL = re.compile(rb'<c r="([A-Z]{1,3}[0-9]{1,7})"[^>]*>\s*<f[\s>/]')


def refuse_formulas(data: bytes) -> None:
    """An .xlsx whose cells hold formulas is refused as a whole: what a formula computes is not what the user
    typed, and a hostile one can reach other files. (Text that only looks like a formula is a row error.)"""
    if not data.startswith(b"PK\x03\x04"):
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        found: list[str] = []
        for name in names:
            found += [m.decode() for m in _FORMULA_CELL.findall(archive.read(name))][:5]
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # read_sheet gives the message for a damaged file
    if found:
        raise ApplicationError(
            "Tệp có ô chứa công thức (" + ", ".join(found[:5]) + "): hãy chép và dán dạng giá trị "
            "(Paste Special › Values) rồi lưu và tải lên lại."
        )
