from django.db import migrations


class Migration(migrations.Migration):
    """The jobs parts' events after a date (``facts.spans``) are kept by their
    distance from their row (code + ``@after`` + class) beside a flow of the
    events pending at each date (code + ``@pending``), in place of one series
    of them: running a migration drops the analytics tables until the next
    refresh (``reports.wiring``), which writes them."""

    dependencies = [
        ("reports", "0010_dayfact_spans"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
