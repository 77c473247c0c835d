"""The allocation spreadsheet: the columns of the annex "PHÂN BỔ CHỈ TIÊU" of seed 002 (STT, TCCSĐ, CHỈ TIÊU
with "03 (01 HS)"), plus the organization code, one column per other metric or year of the grid, and the reason of
an exemption.

Export goes through ``AllocationResource`` (django-import-export) and the formula-safe writer of
organizations.spreadsheets. Import does not save row by row: a row's quota text fills several cells (total and
"of which" categories), duplicates and the subtree are checked across the whole file, and nothing is written
unless every row is valid; so ``parse_allocation_sheet`` turns the file into rows here and
``planning.services.allocations_import`` validates them all and saves them in one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q
from import_export import fields, resources

from config.text import fold
from organizations.models import Category, Organization
from organizations.spreadsheets import RowReport, Sheet, cell_text, map_headers

from .models import Metric, Plan, column_key
from .selectors import Grid, quota_text
from .services import AllocationRow

STT = "STT"
CODE = "Mã tổ chức"
NAME = "TCCSĐ"
EXEMPT = "Miễn chỉ tiêu (lý do)"
FIXED_COLUMNS = {
    STT: ("Số thứ tự", "TT"),
    CODE: ("Mã", "Mã đơn vị"),
    NAME: ("Tổ chức", "Tên tổ chức", "Tổ chức cơ sở đảng", "Đơn vị", "Chi bộ, đảng bộ"),
    EXEMPT: ("Miễn chỉ tiêu", "Lý do miễn", "Miễn"),
}


@dataclass
class Group:
    """A column of the file: one metric and year; its text holds the total and the "of which" categories."""

    header: str
    aliases: tuple[str, ...]
    metric: Metric
    year: int | None
    categories: list[Category]

    @property
    def total_key(self) -> str:
        return column_key(self.metric.pk, None, self.year)

    def key_for(self, category: Category | None) -> str:
        return column_key(self.metric.pk, category.pk if category else None, self.year)


def groups_of(grid: Grid) -> list[Group]:
    """One file column per (metric, year) of the grid; admissions of the plan's period is "Chỉ tiêu"."""
    result: dict[tuple[int, int | None], Group] = {}
    for column in grid.columns:
        key = (column.metric.pk, column.year)
        if key not in result:
            if column.metric.code == Metric.ADMISSIONS:
                header = "Chỉ tiêu" + (f" {column.year}" if column.year else "")
                aliases = ("Chỉ tiêu kết nạp", "Kết nạp") if column.year is None else ()
            else:
                header = column.metric.label + (f" {column.year}" if column.year else "")
                aliases = (column.metric.name + (f" {column.year}" if column.year else ""),)
            result[key] = Group(header, aliases, column.metric, column.year, [])
        if column.category is not None:
            result[key].categories.append(column.category)
    return list(result.values())


class AllocationResource(resources.Resource):
    """Export columns of the allocation file; one object per grid row (organization), in tree order."""

    stt = fields.Field(attribute="stt", column_name=STT)
    code = fields.Field(attribute="code", column_name=CODE)
    name = fields.Field(attribute="name", column_name=NAME)

    def __init__(self, *, grid: Grid):
        super().__init__()
        self.grid = grid
        self.groups = groups_of(grid)
        self.group_names = []
        for index, group in enumerate(self.groups):
            name = f"group_{index}"
            self.fields[name] = fields.Field(attribute=name, column_name=group.header)
            self.group_names.append(name)
        self.fields["exempt"] = fields.Field(attribute="exempt", column_name=EXEMPT)

    def get_export_order(self):
        return ("stt", "code", "name", *self.group_names, "exempt")

    def rows(self) -> list[dict]:
        result = []
        for number, row in enumerate(self.grid.rows, start=1):
            item = {
                "stt": f"{number:02d}",
                "code": row.organization.code,
                "name": row.organization.name,
                "exempt": row.exempt_reason or "",
            }
            for name, group in zip(self.group_names, self.groups, strict=True):
                total = row.values.get(group.total_key)
                subs = [
                    (row.values[group.key_for(c)], c.abbreviation or c.name)
                    for c in group.categories
                    if row.values.get(group.key_for(c))
                ]
                item[name] = quota_text(total, subs)
            result.append(item)
        return result

    def export_dataset(self):
        return self.export(queryset=self.rows())


_QUOTA_RE = re.compile(r"^(?P<total>\d{1,6})?\s*(?:\((?P<subs>[^()]*)\))?$")
_SUB_RE = re.compile(r"^(?P<n>\d{1,6})\s+(?P<what>.+)$")


def parse_quota(value, categories: dict[str, Category]) -> tuple[int | None, list[tuple[Category, int]]]:
    """ "03 (01 HS)" -> (3, [(HS, 1)]); a number cell -> (n, []); empty -> (None, []). ValueError in Vietnamese."""
    if value is None or value == "":
        return None, []
    if isinstance(value, bool):
        raise ValueError("Chỉ tiêu phải là số.")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError("Chỉ tiêu không được âm.")
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(f"Chỉ tiêu “{cell_text(value)}” không phải số nguyên.")
        return int(value), []
    text = cell_text(value).strip()
    if not text:
        return None, []
    if text.startswith("-") and re.fullmatch(r"-\s*\d+.*", text):
        raise ValueError("Chỉ tiêu không được âm.")
    match = _QUOTA_RE.match(text)
    if match is None or (match["total"] is None and match["subs"] is None):
        raise ValueError(f"Chỉ tiêu “{text}” không phải số (ghi như 03 hoặc 03 (01 HS)).")
    total = int(match["total"]) if match["total"] is not None else None
    subs = []
    if match["subs"]:
        for part in re.split(r"[,;]", match["subs"]):
            part = part.strip()
            if not part:
                continue
            sub = _SUB_RE.match(part)
            if sub is None:
                raise ValueError(f"Phần “{part}” phải ghi số rồi đối tượng, ví dụ “01 HS”.")
            category = categories.get(fold(sub["what"]))
            if category is None:
                raise ValueError(f"Không rõ đối tượng “{sub['what']}” (dùng chữ viết tắt như HS, SV, Nữ).")
            subs.append((category, int(sub["n"])))
    return total, subs


@dataclass
class ParsedFile:
    rows: list[AllocationRow]
    reports: list[RowReport]
    columns: list[str]


def parse_allocation_sheet(*, plan: Plan, grid: Grid, sheet: Sheet) -> ParsedFile:
    """Turn the file into AllocationRows (one per organization), with per-row errors of reading.

    Organizations are found by code, or else by name (accents and case ignored among the grid's rows), in the
    plan's tenant: an organization of the tenant outside the issuer's subtree is reported as such by the
    validation of the service. Constant queries: one for categories, one for the organizations named.
    """
    groups = groups_of(grid)
    columns = dict(FIXED_COLUMNS)
    for group in groups:
        columns[group.header] = group.aliases
    map_headers(sheet, columns, required=())
    headers = list(sheet.dataset.headers)
    if CODE not in headers and NAME not in headers:
        raise_file_error(f"Tệp thiếu cột “{NAME}” (tên tổ chức) hoặc “{CODE}”.")
    present_groups = [g for g in groups if g.header in headers]
    if not present_groups:
        raise_file_error(f"Tệp thiếu cột chỉ tiêu; dòng 1 cần có cột “{groups[0].header if groups else 'Chỉ tiêu'}”.")
    categories: dict[str, Category] = {}
    for category in Category.objects.for_tenant(plan.tenant_id).order_by("-tenant_id"):
        for name in (category.abbreviation, category.name, category.code):
            if name:
                categories.setdefault(fold(name), category)
    records = [dict(zip(headers, values, strict=True)) for values in sheet.dataset]
    codes = {cell_text(r.get(CODE)) for r in records if r.get(CODE) not in (None, "")}
    names = {cell_text(r.get(NAME)) for r in records if r.get(NAME) not in (None, "")}
    found = list(
        Organization.objects.filter(tenant_id=plan.tenant_id)
        .filter(Q(code__in=codes) | Q(name__in=names))
        .only("id", "name", "code", "path")
    )
    by_code = {o.code: o for o in found}
    by_name: dict[str, list[Organization]] = {}
    for o in found:
        by_name.setdefault(fold(o.name), []).append(o)
    for row in grid.rows:  # the grid's organizations also match by name without accents or case
        by_name.setdefault(fold(row.organization.name), [row.organization])
    rows, reports = [], []
    for number, record in zip(sheet.row_numbers, records, strict=True):
        report = RowReport(number=number, cells=[cell_text(record.get(h)) for h in headers])
        code, name = cell_text(record.get(CODE)), cell_text(record.get(NAME))
        organization = None
        if code:
            organization = by_code.get(code)
            if organization is None:
                report.errors.append(f"Không tìm thấy tổ chức mã “{code}”.")
        elif name:
            matches = by_name.get(fold(name), [])
            under = [o for o in matches if o.path.startswith(plan.issuer.path)]
            if len(under) > 1 or (not under and len(matches) > 1):
                report.errors.append(f"Có nhiều tổ chức tên “{name}”; hãy ghi thêm cột “{CODE}”.")
            elif under or matches:
                organization = (under or matches)[0]
            else:
                report.errors.append(f"Không tìm thấy tổ chức “{name}”.")
        else:
            report.errors.append("Thiếu tên hoặc mã tổ chức.")
        values: dict[str, int | None] = {}
        for group in present_groups:
            try:
                total, subs = parse_quota(record.get(group.header), categories)
            except ValueError as exc:
                report.errors.append(f"Cột “{group.header}”: {exc}")
                continue
            values[group.total_key] = total
            for category in group.categories:
                values[group.key_for(category)] = None
            for category, quantity in subs:
                values[group.key_for(category)] = quantity
        exempt = None
        if EXEMPT in headers:
            exempt = cell_text(record.get(EXEMPT))
        rows.append(
            AllocationRow(
                organization_id=organization.pk if organization else None,
                values=values,
                exempt_reason=exempt,
                number=number,
                label=name or code,
            )
        )
        reports.append(report)
    return ParsedFile(rows=rows, reports=reports, columns=headers)


def raise_file_error(message: str):
    from config.errors import ApplicationError

    raise ApplicationError(message)
