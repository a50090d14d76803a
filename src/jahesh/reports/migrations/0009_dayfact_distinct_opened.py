from django.db import migrations


class Migration(migrations.Migration):
    """The distinct parts (units monitored, beneficiaries) gain a second series
    of day rows and month balances (``facts.days._opened``): running a
    migration drops the analytics tables until the next refresh
    (``reports.wiring``), which writes it."""

    dependencies = [
        ("reports", "0008_dayfact_indexes_by_level"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
