from django.db import migrations


def install(apps, schema_editor):
    from planning.defaults import install_metrics

    install_metrics(apps)


class Migration(migrations.Migration):
    dependencies = [("planning", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
