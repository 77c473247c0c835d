from django.core.management.base import BaseCommand

from candidates.imports import candidates_import_file
from organizations.management.commands._spreadsheets import add_scope_arguments, run_import


class Command(BaseCommand):
    help = "Nhập danh sách quần chúng (nguồn) từ tệp .xlsx/.csv vào các chi bộ thuộc phạm vi; tất cả hoặc không gì."

    def add_arguments(self, parser):
        add_scope_arguments(parser)
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi")

    def handle(self, *args, **options):
        run_import(self, options, candidates_import_file)
