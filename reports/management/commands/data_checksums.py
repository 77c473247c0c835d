"""Row counts and content checksums of every table of the product, to compare a restored database with its source.

The checksum of a table is the MD5 of its rows in primary-key order, each row rendered as text by PostgreSQL;
two databases with the same data give the same figures whatever their physical layout.
"""

import hashlib
import json

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

APP_LABELS = ("organizations", "planning", "candidates", "reports", "auth")


class Command(BaseCommand):
    help = "In số dòng và mã kiểm tra nội dung của từng bảng dữ liệu (dùng để đối chiếu bản sao lưu đã phục hồi)."

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Lệnh này dùng cho PostgreSQL (cơ sở dữ liệu chạy thật).")
        result = {}
        with connection.cursor() as cursor:
            for model in apps.get_models(include_auto_created=True):
                if model._meta.app_label not in APP_LABELS or model._meta.proxy:
                    continue
                table = connection.ops.quote_name(model._meta.db_table)
                pk = connection.ops.quote_name(model._meta.pk.column)
                cursor.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t.{pk}), '')) FROM {table} t"
                )
                count, digest = cursor.fetchone()
                result[model._meta.db_table] = {"rows": count, "md5": digest}
        summary = hashlib.md5(json.dumps(result, sort_keys=True).encode()).hexdigest()
        self.stdout.write(json.dumps({"tables": result, "summary": summary}, sort_keys=True, indent=2))
