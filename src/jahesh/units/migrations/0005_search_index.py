"""A trigram text index on units_unit.name_key for substring search (jahesh.core.search):
FTS5 on SQLite, pg_trgm + GIN on PostgreSQL."""

from django.db import migrations

from jahesh.core.search import index_operation


class Migration(migrations.Migration):
    dependencies = [("units", "0004_dashboard_widgets")]

    operations = [index_operation("units_unit", "name_key")]
