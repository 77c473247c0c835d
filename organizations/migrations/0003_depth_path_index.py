from django.db import migrations


def create(apps, schema_editor):
    # The children of a node: depth = n AND path LIKE 'prefix%' (a full scan at national scale without it).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS org_depth_path_pattern ON organizations_organization "
            "(depth, path varchar_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS org_depth_path_pattern")


class Migration(migrations.Migration):
    dependencies = [("organizations", "0002_defaults_and_path_index")]

    operations = [migrations.RunPython(create, drop)]
