"""Load the obstacle taxonomy and the agencies of reference/obstacles.md."""

from django.db import migrations


def load(apps, schema_editor):
    from jahesh.clinic.taxonomy import taxonomy_load

    taxonomy_load(apps)


class Migration(migrations.Migration):
    dependencies = [("clinic", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
