from django.db import migrations


def install(apps, schema_editor):
    from organizations.defaults import install_defaults

    install_defaults(apps)


def path_pattern_index(apps, schema_editor):
    # With a non-C collation only a varchar_pattern_ops index serves "path LIKE 'prefix%'" (subtree filters).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS org_path_pattern ON organizations_organization (path varchar_pattern_ops)"
        )


def drop_path_pattern_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS org_path_pattern")


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]

    operations = [
        migrations.RunPython(install, migrations.RunPython.noop),
        migrations.RunPython(path_pattern_index, drop_path_pattern_index),
    ]
