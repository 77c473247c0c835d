"""Building spreadsheets in memory for the import tests."""

from __future__ import annotations

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from organizations.models import AuditEvent, MemberCountSnapshot, Organization

TREE_HEADER = ["Mã", "Mã cấp trên", "Tên tổ chức", "Loại", "Khối", "Ký hiệu"]
COUNT_HEADER = ["Mã tổ chức", "Tính đến ngày", "Số đảng viên", "Dự bị", "Ghi chú"]


def xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def upload(data: bytes, name: str = "tep.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def read_xlsx(data: bytes) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return list(workbook.active.iter_rows(values_only=True))


def tree_state() -> list[tuple]:
    """Everything an import could change in the tree."""
    return list(
        Organization.objects.order_by("pk").values_list(
            "pk", "code", "path", "numchild", "name", "kind_id", "sector_id", "issuer_code"
        )
    )


def db_counts() -> dict[str, int]:
    return {
        "organizations": Organization.objects.count(),
        "snapshots": MemberCountSnapshot.objects.count(),
        "audit": AuditEvent.objects.count(),
    }
