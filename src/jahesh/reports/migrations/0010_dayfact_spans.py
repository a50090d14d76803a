from django.db import migrations


class Migration(migrations.Migration):
    """The jobs parts (``Part.spans``) gain two series of day rows and month
    balances (``facts.spans``: running totals, rows after a date): running a
    migration drops the analytics tables until the next refresh
    (``reports.wiring``), which writes them."""

    dependencies = [
        ("reports", "0009_dayfact_distinct_opened"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
