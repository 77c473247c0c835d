"""Every dashboard table to Excel, with the same figures as the page (the same selectors) and Vietnamese headers."""

from __future__ import annotations

import tablib
from django.http import HttpResponse
from django.utils.text import slugify

from organizations.spreadsheets import XLSX_CONTENT_TYPE, write_xlsx

from . import dashboards


def _number(value):
    return float(value) if value is not None else None


def quota_table(*, user, organization, year=None, plan_id=None, period="nam") -> tuple[bytes, str]:
    progress = dashboards.quota_progress(
        user=user, organization=organization, year=year, plan_id=plan_id, period=period
    )
    headers = ["STT", "Tổ chức"]
    for column in progress.columns:
        if column.has_quota:
            headers += [
                f"{column.label}: chỉ tiêu",
                f"{column.label}: đã đạt",
                f"{column.label}: tỷ lệ (%)",
                f"{column.label}: còn lại",
            ]
        else:
            headers.append(f"{column.label}: đã đạt")
    headers += ["Đã được đề nghị kết nạp (có thể đạt trong kỳ)", "Miễn chỉ tiêu (lý do)"]
    dataset = tablib.Dataset(headers=headers)

    def values(row):
        cells = []
        for column in progress.columns:
            cell = row.cells[column.key]
            if column.has_quota:
                cells += [cell.quota, cell.achieved, _number(cell.percent), cell.remaining]
            else:
                cells.append(cell.achieved)
        return [*cells, row.pipeline, row.exempt_reason or ""]

    for index, row in enumerate(progress.rows, start=1):
        dataset.append([f"{index:02d}", row.label, *values(row)])
    if progress.own_row is not None:
        dataset.append(["", progress.own_row.label, *values(progress.own_row)])
    dataset.append(["", progress.total.label, *values(progress.total)])
    title = f"Chỉ tiêu {progress.year}"
    return write_xlsx(dataset, title=title), f"chi-tieu-{progress.year}-{slugify(organization.code)}"


def flow_table(*, user, organization, year=None, plan_id=None, period="nam") -> tuple[bytes, str]:
    flow = dashboards.flow(user=user, organization=organization, year=year)
    dataset = tablib.Dataset(headers=["Bảng", "Mục", "Giá trị", "Giá trị so sánh"])
    for _, label, n in flow.stage_counts:
        dataset.append(["Số quần chúng theo bước", label, n, None])
    for month, this_year, last_year in flow.admissions_by_month:
        dataset.append(
            [f"Kết nạp theo tháng ({flow.year} so với {flow.year - 1})", f"Tháng {month:02d}", this_year, last_year]
        )
    for duration in flow.durations:
        dataset.append(["Thời gian ở mỗi bước (trung vị, ngày)", duration.label, duration.median_days, duration.count])
    for organization_row, days, count in flow.slowest:
        dataset.append(
            ["Chậm nhất: từ nghị quyết chi bộ đến quyết định (ngày, trung bình)", organization_row.name, days, count]
        )
    for kind, reason, n in flow.exits:
        dataset.append(["Dừng, xóa tên, hủy quyết định", f"{kind}: {reason}", n, None])
    return write_xlsx(dataset, title=f"Diễn biến {flow.year}"), f"dien-bien-{flow.year}-{slugify(organization.code)}"


def flags_table(*, user, organization, year=None, plan_id=None, period="nam") -> tuple[bytes, str]:
    progress = dashboards.quota_progress(user=user, organization=organization, year=year, plan_id=plan_id)
    flags = dashboards.red_flags(user=user, organization=organization, progress=progress, limit=100_000)
    dataset = tablib.Dataset(headers=["Cảnh báo", "Tổ chức", "Trực thuộc", "Số liệu"])
    for row in flags.behind:
        main = row.main
        dataset.append(["Chậm so với tiến độ chỉ tiêu", row.label, f"{main.achieved}/{main.quota}"])
    for cell in flags.idle_cells:
        dataset.append(["Chi bộ 3 năm trở lên không kết nạp đảng viên", cell.name, None])
    for cell in flags.small_cells:
        dataset.append(["Chi bộ dưới 10 đảng viên", cell.name, cell.members])
    for organization_row, _kinds, total in flags.overdue:
        dataset.append(["Quá hạn theo quy định", organization_row.name, total])
    for candidate in flags.expiring:
        dataset.append(
            [
                "Giấy chứng nhận nhận thức sắp hết hạn",
                candidate.organization.name,
                f"{candidate.awareness_cert_on:%d/%m/%Y}",
            ]
        )
    return write_xlsx(dataset, title="Cảnh báo"), f"canh-bao-{slugify(organization.code)}"


TABLES = {"chi-tieu": quota_table, "dien-bien": flow_table, "canh-bao": flags_table}


def xlsx_response(content: bytes, stem: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    return response
