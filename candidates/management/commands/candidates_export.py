from django.core.management.base import BaseCommand

from candidates.imports import candidates_export_xlsx
from candidates.models import Candidate
from organizations.management.commands._spreadsheets import add_scope_arguments, run_export


class Command(BaseCommand):
    help = "Xuất danh sách quần chúng của một phạm vi ra .xlsx (thông tin nhạy cảm chỉ với --nhay-cam, có ghi nhật ký)."

    def add_arguments(self, parser):
        add_scope_arguments(parser)
        parser.add_argument(
            "--nhay-cam", action="store_true", dest="sensitive", help="kèm số định danh, dân tộc, tôn giáo"
        )

    def handle(self, *args, **options):
        def export(*, at):
            queryset = Candidate.objects.in_subtree(at)
            return candidates_export_xlsx(queryset=queryset, user=None, with_sensitive=options["sensitive"])

        run_export(self, options, export)
