from django.db import migrations

# Measured on the national bench database (bench/README.md): the counted-events index lets the subtree counts be
# answered from the index alone (root aggregate 164 -> 24 ms); the stage-first index serves "candidates in late
# stages under a path" (158 -> 43 ms).
INDEXES = {
    "cand_event_counted_pattern": (
        "candidates_candidateevent",
        "(kind, org_path varchar_pattern_ops, event_date) WHERE NOT voided",
    ),
    "cand_stage_path_pattern": ("candidates_candidate", "(stage, org_path varchar_pattern_ops)"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, definition) in INDEXES.items():
        columns, _, where = definition.partition(" WHERE ")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} {columns}" + (f" WHERE {where}" if where else "")
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("candidates", "0002_holidays_and_pattern_indexes")]

    operations = [migrations.RunPython(create, drop)]
