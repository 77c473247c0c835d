from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.errors import ApplicationError
from organizations.demo import DEMO_USERS, SUPERUSER, demo_load
from organizations.models import Organization
from reports.demo import activity_load


def _number(value: int) -> str:
    """Vietnamese thousands separator: 5.465."""
    return f"{value:,}".replace(",", ".")


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu: Tỉnh ủy Lâm Đồng, Thành ủy Hà Nội, Tỉnh ủy Lào Cai (theo các kế hoạch mẫu), "
        "số đảng viên tại 31/12/2023 và 31/12/2024, một tài khoản cho mỗi vai trò, kế hoạch năm 2025 của Huyện ủy "
        "Đơn Dương với phân bổ chỉ tiêu và quần chúng qua các bước kết nạp. Chạy lại không tạo trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Chỉ nạp khi cơ sở dữ liệu chưa có tổ chức đảng nào (dùng khi khởi động bản chạy thử).",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and Organization.objects.exists():
            self.stdout.write("Cơ sở dữ liệu đã có tổ chức đảng: không nạp dữ liệu mẫu.")
            return
        try:
            report = demo_load()
        except ApplicationError as error:
            raise CommandError(error.message) from error
        for tenant in report.tenants:
            if not tenant.loaded:
                self.stdout.write(f"Đã có “{tenant.name}” (mã {tenant.code}): bỏ qua.")
                continue
            members = " và ".join(
                f"{_number(count)} tại {day:%d/%m/%Y}" for day, count in sorted(tenant.members.items())
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã nạp “{tenant.name}” (mã {tenant.code}): {_number(tenant.organizations)} tổ chức đảng, "
                    f"trong đó {_number(tenant.cells)} chi bộ; số đảng viên {members}; {tenant.accounts} tài khoản."
                )
            )
        for line in activity_load():
            self.stdout.write(line)
        if report.superuser_created:
            self.stdout.write(self.style.SUCCESS(f"Đã tạo tài khoản quản trị Django “{SUPERUSER.username}”."))
        self._print_accounts()

    def _print_accounts(self) -> None:
        header = ("Tên đăng nhập", "Họ và tên", "Vai trò", "Tổ chức")
        rows = [header, *DEMO_USERS, (SUPERUSER.username, SUPERUSER.full_name, SUPERUSER.role_label, "—")]
        widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
        self.stdout.write("")
        self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {settings.DEMO_PASSWORD}):")
        for index, row in enumerate(rows):
            self.stdout.write("  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
