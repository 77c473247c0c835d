from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from candidates.imports import class_results_import_file
from candidates.models import TrainingClass
from config.errors import ApplicationError


class Command(BaseCommand):
    help = "Nhập kết quả học tập và số giấy chứng nhận của một lớp từ tệp .xlsx/.csv; tất cả hoặc không gì."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--lop", type=int, required=True, dest="class_id", help="mã (số) của lớp")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        training_class = TrainingClass.objects.filter(pk=options["class_id"]).first()
        if training_class is None:
            raise CommandError("Không tìm thấy lớp.")
        enrolments = list(training_class.enrolments.select_related("candidate__organization"))
        try:
            result = class_results_import_file(
                actor=None,
                training_class=training_class,
                enrolments=enrolments,
                source=Path(options["file"]).read_bytes(),
                filename=Path(options["file"]).name,
                dry_run=options["dry_run"],
            )
        except (ApplicationError, OSError) as error:
            raise CommandError(getattr(error, "message", str(error))) from error
        if not result.is_valid:
            raise CommandError("\n".join(["Tệp có lỗi, chưa ghi gì.", *result.error_lines()]))
        self.stdout.write(self.style.SUCCESS(f"{'Chạy thử' if options['dry_run'] else 'Đã nhập'}: {result.summary()}."))
