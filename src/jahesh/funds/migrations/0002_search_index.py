"""A trigram text index on funds_member.name_key for substring search (jahesh.core.search):
FTS5 on SQLite, pg_trgm + GIN on PostgreSQL."""

from django.db import migrations

from jahesh.core.search import index_operation


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]

    operations = [index_operation("funds_member", "name_key")]
