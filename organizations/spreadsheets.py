"""Safe reading and writing of spreadsheets, shared by every app that imports or exports a list.

Reading turns an uploaded .xlsx or .csv into a ``tablib.Dataset`` (the row/column form django-import-export
works on) plus the Excel row number of each data row, after checks that run *before* any parsing:
size, content type (by the bytes, not the name), uncompressed size of an .xlsx (zip bomb), external links,
and the number of rows. Every text cell is normalized to NFC. Writing produces an .xlsx in which text that a
spreadsheet program would run as a formula is neutralized (a leading apostrophe), numbers stay numbers and
dates are real dates shown as dd/mm/yyyy.

Also here: the result types an import returns to a page or a command, the upload form, and the store of
uploads waiting for confirmation (kept under MEDIA_ROOT/imports/, keyed by a random token held in the session).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import secrets
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import tablib
from django import forms
from django.conf import settings
from openpyxl.styles import Font

from config.errors import ApplicationError
from config.text import fold, nfc

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003) and password-protected .xlsx
# Text that Excel, LibreOffice or Google Sheets would treat as the start of a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT_XLSX = "DD/MM/YYYY"

ACTION_CREATE = "Thêm mới"
ACTION_UPDATE = "Cập nhật"
ACTION_MOVE = "Chuyển"
ACTION_UNCHANGED = "Không đổi"


# --- reading -------------------------------------------------------------------------------------------------


@dataclass
class Sheet:
    """The data rows of a file as a Dataset, and the row number Excel shows for each (the header is row 1)."""

    dataset: tablib.Dataset
    row_numbers: list[int]
    filename: str = ""

    def __len__(self) -> int:
        return len(self.row_numbers)


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB".replace(".", ",")
    return f"{max(1, size // 1024)} KB"


def upload_bytes(upload) -> bytes:
    """The content of an uploaded file, refused before reading when it is over the size limit."""
    limit = settings.SPREADSHEET_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ApplicationError(f"Tệp quá lớn: tối đa {_human_size(limit)}.")
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ApplicationError(f"Tệp quá lớn: tối đa {_human_size(limit)}.")
    return data


def read_sheet(source, *, filename: str = "") -> Sheet:
    """Read an uploaded file (or bytes, or an open binary file) into a Sheet; refuse anything unsafe.

    Raises ApplicationError with a Vietnamese message for the whole file.
    """
    limit = settings.SPREADSHEET_MAX_BYTES
    size = getattr(source, "size", None)
    if size is not None and size > limit:
        raise ApplicationError(f"Tệp quá lớn: tối đa {_human_size(limit)}.")
    if isinstance(source, bytes):
        data = source
    else:
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(limit + 1)
    if len(data) > limit:
        raise ApplicationError(f"Tệp quá lớn: tối đa {_human_size(limit)}.")
    filename = filename or str(getattr(source, "name", "") or "")
    if not data.strip():
        raise ApplicationError("Tệp rỗng.")
    extension = Path(filename).suffix.lower()
    if data.startswith(OLE_MAGIC) or extension == ".xls":
        raise ApplicationError(
            "Tệp Excel 97-2003 (.xls) hoặc tệp có đặt mật khẩu chưa đọc được: hãy mở bằng Excel, "
            "bỏ mật khẩu nếu có và lưu lại dạng “Excel Workbook (.xlsx)”."
        )
    if data.startswith(XLSX_MAGIC):
        rows = _xlsx_rows(data)
    elif extension in ("", ".csv", ".txt"):
        rows = _csv_rows(data)
    else:
        raise ApplicationError("Tệp không phải bảng tính: chỉ nhận tệp Excel (.xlsx) hoặc CSV (UTF-8).")
    return _to_sheet(rows, filename=Path(filename).name)


def _xlsx_rows(data: bytes):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ApplicationError("Tệp không phải bảng tính Excel (.xlsx) hợp lệ.") from exc
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        raise ApplicationError("Tệp không phải bảng tính Excel (.xlsx) hợp lệ.")
    if any(name.lower().startswith("xl/externallinks/") for name in names):
        raise ApplicationError(
            "Tệp có liên kết tới bảng tính khác (external links). Hãy ngắt liên kết "
            "(Dữ liệu › Sửa liên kết › Ngắt liên kết) rồi lưu lại và tải lên lần nữa."
        )
    # Declared sizes bound what zipfile will inflate, so their sum is a safe bound on the work of parsing.
    if sum(info.file_size for info in infos) > settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES:
        raise ApplicationError("Tệp Excel có nội dung giải nén quá lớn; hãy chia thành nhiều tệp nhỏ hơn.")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on damaged or hostile files
        raise ApplicationError("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx.") from exc
    try:
        if not workbook.worksheets:
            raise ApplicationError("Tệp Excel không có trang tính nào.")
        try:
            yield from workbook.worksheets[0].iter_rows(values_only=True)
        except ApplicationError:
            raise
        except Exception as exc:
            raise ApplicationError("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx.") from exc
    finally:
        workbook.close()


def _csv_rows(data: bytes):
    if b"\x00" in data or data.startswith(b"%PDF"):
        raise ApplicationError("Tệp không phải bảng tính: chỉ nhận tệp Excel (.xlsx) hoặc CSV (UTF-8).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApplicationError("Tệp CSV phải lưu với bảng mã UTF-8 (trong Excel: Lưu thành › “CSV UTF-8”).") from exc
    first_line = text.split("\n", 1)[0]
    # Excel set to Vietnamese (decimal comma) writes ";" between columns.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def clean_cell(value):
    """NFC for text (and undo the apostrophe our exports put before formula-like text); other types unchanged."""
    if isinstance(value, str):
        if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_TRIGGERS:
            value = value[1:]
        return nfc(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0, 0):
        return value.date()
    return value


def _is_blank(values) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _to_sheet(rows, *, filename: str) -> Sheet:
    max_rows = settings.SPREADSHEET_MAX_ROWS
    headers: list[str] | None = None
    body: list[list] = []
    numbers: list[int] = []
    for number, raw in enumerate(rows, start=1):
        values = [clean_cell(v) for v in raw]
        if headers is None:
            if _is_blank(values):
                continue
            headers = [str(v) if v is not None else "" for v in values]
            while headers and not headers[-1]:
                headers.pop()
            continue
        if _is_blank(values):
            continue
        if len(body) >= max_rows:
            raise ApplicationError(f"Tệp có quá nhiều dòng: tối đa {max_rows:,} dòng dữ liệu.".replace(",", "."))
        values = (values + [None] * len(headers))[: len(headers)]
        body.append(values)
        numbers.append(number)
    if not headers:
        raise ApplicationError("Tệp không có dòng tiêu đề (dòng 1 phải là tên các cột).")
    dataset = tablib.Dataset(headers=headers)
    for values in body:
        dataset.append(values)
    return Sheet(dataset=dataset, row_numbers=numbers, filename=filename)


def map_headers(sheet: Sheet, columns: dict[str, tuple[str, ...]], *, required: tuple[str, ...]) -> None:
    """Rename the sheet's headers to our canonical column names, matching case- and accent-insensitively.

    `columns` maps each canonical name to accepted alternatives. A missing required column or a column given
    twice is an error for the whole file (nothing can be read reliably then).
    """
    lookup: dict[str, str] = {}
    for canonical, aliases in columns.items():
        for name in (canonical, *aliases):
            lookup[fold(name)] = canonical
    renamed: list[str] = []
    seen: set[str] = set()
    for header in sheet.dataset.headers:
        canonical = lookup.get(fold(header))
        if canonical is None:
            renamed.append(header)
            continue
        if canonical in seen:
            raise ApplicationError(f"Cột “{canonical}” xuất hiện hai lần ở dòng tiêu đề.")
        seen.add(canonical)
        renamed.append(canonical)
    missing = [name for name in required if name not in seen]
    if missing:
        listed = ", ".join(f"“{name}”" for name in missing)
        expected = ", ".join(columns)
        raise ApplicationError(f"Tệp thiếu cột {listed}. Dòng 1 phải là tiêu đề với các cột: {expected}.")
    sheet.dataset.headers = renamed


def cell_text(value) -> str:
    """A cell as text: numbers typed into a code column come back as 101, not 101.0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return f"{value:%d/%m/%Y}"
    return nfc(str(value))


_DATE_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def cell_date(value) -> dt.date | None:
    """A real Excel date, or text dd/mm/yyyy (also yyyy-mm-dd); raises ValueError with a Vietnamese message."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    match = _DATE_RE.match(text)
    try:
        if match:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        match = _ISO_DATE_RE.match(text)
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        pass
    raise ValueError(f"Ngày “{text}” không hợp lệ, hãy ghi theo dạng dd/mm/yyyy (ví dụ 31/12/2024).")


def cell_count(value) -> int | None:
    """A whole non-negative number; text may use Vietnamese thousands dots (1.234)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("Hãy nhập một số nguyên.")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"“{cell_text(value)}” không phải số nguyên.")
        number = int(value)
    else:
        text = cell_text(value).replace(" ", "")
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
            text = text.replace(".", "")
        if not re.fullmatch(r"-?\d+", text):
            raise ValueError(f"“{cell_text(value)}” không phải số nguyên.")
        number = int(text)
    if number < 0:
        raise ValueError("Số không được âm.")
    return number


# --- writing -------------------------------------------------------------------------------------------------


def neutralize(value):
    """Text starting like a formula gets a leading apostrophe, so no spreadsheet program runs it."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def write_xlsx(dataset: tablib.Dataset, *, title: str = "Dữ liệu") -> bytes:
    """The dataset as an .xlsx: bold frozen header, neutralized text, real numbers and dates (dd/mm/yyyy)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    headers = [str(h) for h in dataset.headers or []]
    sheet.append([neutralize(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(h) + 2 for h in headers]
    for row in dataset:
        cells = []
        for index, value in enumerate(row):
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                value = value.replace(tzinfo=None)
            cells.append(neutralize(value))
            if index < len(widths):
                widths[index] = max(widths[index], min(len(cell_text(value)) + 2, 60))
        sheet.append(cells)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, dt.date):
                cell.number_format = DATE_FORMAT_XLSX
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = max(width, 10)
    sheet.freeze_panes = "A2"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- results -------------------------------------------------------------------------------------------------


@dataclass
class RowReport:
    """One data row of an import as the preview shows it."""

    number: int
    cells: list[str]
    action: str = ""
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    """What an import found (dry run) or did: the rows with their action and errors, and file-level errors."""

    columns: list[str]
    rows: list[RowReport] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and not any(row.errors for row in self.rows)

    def counts(self) -> dict[str, int]:
        result: dict[str, int] = {}
        for row in self.rows:
            if row.action and not row.errors:
                result[row.action] = result.get(row.action, 0) + 1
        return result

    def summary(self) -> str:
        counts = self.counts()
        if not counts:
            return "Không có dòng dữ liệu nào."
        return ", ".join(f"{label.lower()}: {n:,}".replace(",", ".") for label, n in counts.items())

    def errors_by_row(self) -> dict[int, list[str]]:
        return {row.number: row.errors for row in self.rows if row.errors}

    def error_lines(self) -> list[str]:
        lines = list(self.file_errors)
        lines += [f"Dòng {row.number}: {message}" for row in self.rows for message in row.errors]
        return lines

    def raise_if_invalid(self) -> None:
        if not self.is_valid:
            count = sum(1 for row in self.rows if row.errors)
            message = self.file_errors[0] if self.file_errors else f"Tệp có lỗi ở {count} dòng; chưa ghi gì."
            errors: dict = {row.number: row.errors for row in self.rows if row.errors}
            if self.file_errors:
                errors[None] = self.file_errors
            raise ApplicationError(message, errors=errors)


# --- upload form and uploads waiting for confirmation -------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Tệp bảng tính",
        help_text="Tệp Excel (.xlsx) hoặc CSV (UTF-8); dòng 1 là tiêu đề các cột.",
        error_messages={"required": "Hãy chọn tệp để tải lên.", "empty": "Tệp rỗng."},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


PENDING_SESSION_KEY = "pending_imports"
PENDING_MAX_AGE = 24 * 3600


def _pending_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def pending_save(request, *, purpose: str, organization, data: bytes, filename: str) -> str:
    """Keep an uploaded file until the user confirms; returns the token the confirmation form posts back."""
    directory = _pending_dir()
    directory.mkdir(parents=True, exist_ok=True)
    _pending_sweep(directory)
    token = secrets.token_urlsafe(24)
    (directory / token).write_bytes(data)
    pending = dict(request.session.get(PENDING_SESSION_KEY, {}))
    for old_token, entry in list(pending.items()):
        if entry["purpose"] == purpose and entry["org"] == organization.pk:
            pending.pop(old_token)
            (directory / old_token).unlink(missing_ok=True)
    pending[token] = {"purpose": purpose, "org": organization.pk, "user": request.user.pk, "name": filename[:200]}
    request.session[PENDING_SESSION_KEY] = pending
    return token


def pending_take(request, *, purpose: str, organization, token: str) -> tuple[bytes, str]:
    """The file kept under `token` for this user, organization and purpose; it is removed from the store."""
    pending = dict(request.session.get(PENDING_SESSION_KEY, {}))
    entry = pending.pop(token, None) if isinstance(token, str) else None
    valid = (
        entry is not None
        and entry["purpose"] == purpose
        and entry["org"] == organization.pk
        and entry["user"] == request.user.pk
    )
    path = _pending_dir() / token if valid and re.fullmatch(r"[A-Za-z0-9_-]{20,64}", token) else None
    if path is None or not path.is_file():
        raise ApplicationError("Phiên nhập đã hết hạn hoặc không hợp lệ; hãy tải tệp lên lại.")
    request.session[PENDING_SESSION_KEY] = pending
    try:
        return path.read_bytes(), entry["name"]
    finally:
        path.unlink(missing_ok=True)


def _pending_sweep(directory: Path) -> None:
    """Drop files of previews nobody confirmed."""
    cutoff = time.time() - PENDING_MAX_AGE
    for path in directory.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue
