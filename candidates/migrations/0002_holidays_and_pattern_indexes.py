from django.db import migrations


def install(apps, schema_editor):
    from candidates.workdays import install_national_holidays

    install_national_holidays(apps.get_model("candidates", "Holiday"))


def uninstall(apps, schema_editor):
    from candidates.workdays import NATIONAL_HOLIDAYS

    Holiday = apps.get_model("candidates", "Holiday")
    Holiday.objects.filter(tenant__isnull=True, date__in=[row[0] for row in NATIONAL_HOLIDAYS]).delete()


PATTERN_INDEXES = {
    # Reports count events under a subtree: kind = ? AND org_path LIKE 'prefix%' AND event_date BETWEEN ...
    # With a non-C collation only varchar_pattern_ops serves the LIKE (docs/environment.md, speed facts).
    "cand_event_kind_path_pattern": (
        "candidates_candidateevent",
        "(kind, org_path varchar_pattern_ops, event_date)",
    ),
    "cand_path_pattern_stage": ("candidates_candidate", "(org_path varchar_pattern_ops, stage)"),
    "cand_path_pattern_due": ("candidates_candidate", "(org_path varchar_pattern_ops, next_due_on)"),
}


def pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, (table, columns) in PATTERN_INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {columns}")


def drop_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in PATTERN_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("candidates", "0001_initial")]

    operations = [
        migrations.RunPython(install, uninstall),
        migrations.RunPython(pattern_indexes, drop_pattern_indexes),
    ]
