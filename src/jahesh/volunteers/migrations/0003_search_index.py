"""A trigram text index on volunteers_volunteer.search_key for substring search (jahesh.core.search):
FTS5 on SQLite, pg_trgm + GIN on PostgreSQL."""

from django.db import migrations

from jahesh.core.search import index_operation


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0002_roster_source")]

    operations = [index_operation("volunteers_volunteer", "search_key")]
