from django.db import migrations


class Migration(migrations.Migration):
    """The distinct parts' rows (units monitored, beneficiaries) are kept by the
    distance from their ``since`` to their day (code + ``@since`` + class,
    ``facts.days.since_codes``) in place of one series of them: running a
    migration drops the analytics tables until the next refresh
    (``reports.wiring``), which writes them."""

    dependencies = [
        ("reports", "0012_daydigest"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
