from django.core.management.base import BaseCommand

from organizations.member_count_import import member_count_import_file

from ._spreadsheets import add_scope_arguments, run_import


class Command(BaseCommand):
    help = "Nhập số đảng viên từ bảng tính (.xlsx hoặc .csv) cho các tổ chức trong phạm vi."

    def add_arguments(self, parser):
        add_scope_arguments(parser)
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra và in kết quả, không ghi gì")

    def handle(self, *args, **options):
        run_import(self, options, member_count_import_file)
