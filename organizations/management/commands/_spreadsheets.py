"""Shared parts of the spreadsheet commands: finding the tenant and the starting node, printing results."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.errors import ApplicationError
from organizations.models import Organization
from organizations.spreadsheets import ImportResult


def add_scope_arguments(parser, *, file_help: str = "đường dẫn tệp .xlsx hoặc .csv") -> None:
    parser.add_argument("file", help=file_help)
    parser.add_argument("--tenant", required=True, help="mã của đảng bộ (tổ chức gốc)")
    parser.add_argument("--at", default=None, help="mã tổ chức làm gốc của phạm vi (mặc định: tổ chức gốc)")


def resolve_scope(options) -> Organization:
    tenant = Organization.objects.filter(depth=1, code=options["tenant"]).first()
    if tenant is None:
        raise CommandError(f"Không tìm thấy đảng bộ mã “{options['tenant']}”.")
    if not options.get("at"):
        return tenant
    at = Organization.objects.filter(tenant_id=tenant.pk, code=options["at"]).first()
    if at is None:
        raise CommandError(f"Không tìm thấy tổ chức mã “{options['at']}” trong đảng bộ “{tenant.name}”.")
    return at


def run_import(command: BaseCommand, options, run) -> None:
    """Run an import service on a file; row errors become a CommandError (non-zero exit, no traceback)."""
    at = resolve_scope(options)
    path = Path(options["file"])
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"Không đọc được tệp “{path}”: {exc.strerror or exc}.") from exc
    dry_run = options["dry_run"]
    try:
        result: ImportResult = run(actor=None, at=at, source=data, filename=path.name, dry_run=dry_run)
    except ApplicationError as error:
        lines = [error.message]
        lines += [f"Dòng {n}: {text}" for n, texts in error.errors.items() if n is not None for text in texts]
        raise CommandError("\n".join(lines)) from error
    if not result.is_valid:
        raise CommandError("\n".join(["Tệp có lỗi, chưa ghi gì.", *result.error_lines()]))
    if dry_run:
        for row in result.rows:
            command.stdout.write(f"Dòng {row.number}: {row.action} {' | '.join(row.cells)}")
        command.stdout.write(f"Chạy thử, chưa ghi gì. Sẽ thực hiện: {result.summary()}.")
    elif result.written:
        command.stdout.write(command.style.SUCCESS(f"Đã nhập tại “{at.name}”: {result.summary()}."))
    else:
        command.stdout.write(f"Không có thay đổi nào tại “{at.name}”: {result.summary()}.")


def run_export(command: BaseCommand, options, export) -> None:
    at = resolve_scope(options)
    path = Path(options["file"])
    try:
        path.write_bytes(export(at=at))
    except OSError as exc:
        raise CommandError(f"Không ghi được tệp “{path}”: {exc.strerror or exc}.") from exc
    command.stdout.write(command.style.SUCCESS(f"Đã xuất “{at.name}” ra {path}."))
