from django.core.management.base import BaseCommand

from candidates.services import due_dates_refresh, org_paths_refresh
from organizations.models import Organization


class Command(BaseCommand):
    help = "Chép lại đường dẫn cây tổ chức lên hồ sơ và sự kiện (sau khi chuyển tổ chức) và tính lại các hạn."

    def handle(self, *args, **options):
        updated = org_paths_refresh()
        due = sum(
            due_dates_refresh(tenant_id=pk) for pk in Organization.objects.filter(depth=1).values_list("pk", flat=True)
        )
        self.stdout.write(self.style.SUCCESS(f"Đã cập nhật {updated} đường dẫn, {due} hạn."))
