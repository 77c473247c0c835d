from django.core.management.base import BaseCommand

from organizations.tree_import import tree_import_file

from ._spreadsheets import add_scope_arguments, run_import


class Command(BaseCommand):
    help = "Nhập cây tổ chức từ bảng tính (.xlsx hoặc .csv) vào phạm vi một tổ chức."

    def add_arguments(self, parser):
        add_scope_arguments(parser)
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra và in kết quả, không ghi gì")

    def handle(self, *args, **options):
        run_import(self, options, tree_import_file)
