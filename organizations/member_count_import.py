"""Importing member-count snapshots from a spreadsheet with django-import-export (dry run, row errors, rollback).

Invariants: every row's organization lies in the subtree the import was started at; one snapshot per
organization and date (a row for an existing date corrects it); nothing is written unless every row is valid;
one audit event records the counts.
"""

from __future__ import annotations

import logging

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from import_export.results import RowResult

from .access import Action, access_for
from .models import AuditEvent, Organization
from .resources import MEMBER_COUNT_COLUMNS, MEMBER_COUNT_REQUIRED, MemberCountResource
from .services import audit
from .spreadsheets import (
    ACTION_CREATE,
    ACTION_UNCHANGED,
    ACTION_UPDATE,
    ImportResult,
    RowReport,
    Sheet,
    cell_text,
    map_headers,
    read_sheet,
)

logger = logging.getLogger(__name__)

PREVIEW_COLUMNS = ["Mã tổ chức", "Tên tổ chức", "Tính đến ngày", "Số đảng viên", "Dự bị"]
ACTIONS = {
    RowResult.IMPORT_TYPE_NEW: ACTION_CREATE,
    RowResult.IMPORT_TYPE_UPDATE: ACTION_UPDATE,
    RowResult.IMPORT_TYPE_SKIP: ACTION_UNCHANGED,
}
SYSTEM_ERROR = "Không ghi được dòng này (lỗi hệ thống); hãy báo quản trị viên."


def _messages(resource: MemberCountResource, row_result: RowResult) -> list[str]:
    messages: list[str] = []
    error = row_result.validation_error
    if error is not None:
        columns = {f.attribute: f.column_name for f in resource.fields.values() if f.attribute}
        by_field = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
        for name, texts in by_field.items():
            prefix = f"{columns[name]}: " if name in columns else ""
            messages += [prefix + text for text in texts]
    for failure in row_result.errors:
        if isinstance(failure.error, ValueError | ValidationError):
            messages.append(str(failure.error))
        else:
            logger.error("member count import row failed: %r", failure.error)
            messages.append(SYSTEM_ERROR)
    return messages


def _cells(row: dict, resource: MemberCountResource) -> list[str]:
    code = cell_text(row.get("Mã tổ chức"))
    organization = resource.fields["organization"].widget.by_code.get(code)
    as_of = row.get("Tính đến ngày")
    return [
        code,
        organization.name if organization else cell_text(row.get("Tên tổ chức")),
        f"{as_of:%d/%m/%Y}" if hasattr(as_of, "strftime") else cell_text(as_of),
        cell_text(row.get("Số đảng viên")),
        cell_text(row.get("Dự bị")),
    ]


def member_count_import(
    *, actor, at: Organization, sheet: Sheet, dry_run: bool = False, filename: str = ""
) -> ImportResult:
    """Import snapshots for organizations of `at`'s subtree; all or nothing (see ImportResult.raise_if_invalid).

    `actor` None means a management command: the scope is then the subtree of `at`.
    """
    if actor is not None:
        access_for(actor).require(Action.MANAGE_MEMBER_COUNTS, at)
    map_headers(sheet, MEMBER_COUNT_COLUMNS, required=MEMBER_COUNT_REQUIRED)
    resource = MemberCountResource(at=at, row_numbers=sheet.row_numbers)
    with transaction.atomic():
        outcome = resource.import_data(
            sheet.dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
        )
        result = ImportResult(columns=PREVIEW_COLUMNS)
        for error in outcome.base_errors:
            logger.error("member count import failed: %r", error.error)
            result.file_errors.append("Không đọc được tệp số đảng viên (lỗi hệ thống); hãy báo quản trị viên.")
        headers = sheet.dataset.headers
        for number, values, row_result in zip(sheet.row_numbers, sheet.dataset, outcome.rows, strict=True):
            row = dict(zip(headers, values, strict=True))
            result.rows.append(
                RowReport(
                    number=number,
                    cells=_cells(row, resource),
                    action=ACTIONS.get(row_result.import_type, ""),
                    errors=_messages(resource, row_result),
                )
            )
        if dry_run:
            return result
        result.raise_if_invalid()
        counts = result.counts()
        if counts.get(ACTION_CREATE) or counts.get(ACTION_UPDATE):
            audit(
                actor=actor,
                organization=at,
                kind=AuditEvent.Kind.IMPORT,
                summary=(
                    f"Nhập số đảng viên tại “{at.name}”: thêm mới {counts.get(ACTION_CREATE, 0)}, "
                    f"cập nhật {counts.get(ACTION_UPDATE, 0)}"
                ),
                data={
                    "created": counts.get(ACTION_CREATE, 0),
                    "updated": counts.get(ACTION_UPDATE, 0),
                    "unchanged": counts.get(ACTION_UNCHANGED, 0),
                    "file": filename[:200],
                    "what": "member_counts",
                },
            )
            result.written = True
        return result


def member_count_import_file(
    *, actor, at: Organization, source, filename: str = "", dry_run: bool = False
) -> ImportResult:
    sheet = read_sheet(source, filename=filename)
    return member_count_import(actor=actor, at=at, sheet=sheet, dry_run=dry_run, filename=sheet.filename)
