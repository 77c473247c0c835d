from django.core.management.base import BaseCommand, CommandError

from config.errors import ApplicationError
from organizations import services
from organizations.models import OrganizationKind


class Command(BaseCommand):
    help = "Tạo một đảng bộ mới (gốc của một cây tổ chức độc lập)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Tên, ví dụ “Tỉnh ủy Lâm Đồng”.")
        parser.add_argument("--code", required=True, help="Mã đảng bộ, dùng trong lệnh nhập cây (--tenant).")
        parser.add_argument("--kind", default="tinh-uy", help="Mã loại tổ chức (mặc định tinh-uy).")
        parser.add_argument("--issuer-code", default="TU", help="Ký hiệu trên văn bản (mặc định TU).")

    def handle(self, *args, **options):
        kind = OrganizationKind.objects.filter(tenant__isnull=True, code=options["kind"]).first()
        if kind is None:
            raise CommandError(f"Không có loại tổ chức mã “{options['kind']}”.")
        try:
            root = services.tenant_create(
                name=options["name"], code=options["code"], kind=kind, issuer_code=options["issuer_code"]
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(f"Đã tạo đảng bộ “{root.name}” (mã {root.code})."))
