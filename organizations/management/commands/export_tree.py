from django.core.management.base import BaseCommand

from organizations.resources import tree_export_xlsx

from ._spreadsheets import add_scope_arguments, run_export


class Command(BaseCommand):
    help = "Xuất cây tổ chức (phạm vi một tổ chức) ra tệp .xlsx."

    def add_arguments(self, parser):
        add_scope_arguments(parser, file_help="đường dẫn tệp .xlsx sẽ ghi ra")

    def handle(self, *args, **options):
        run_export(self, options, tree_export_xlsx)
