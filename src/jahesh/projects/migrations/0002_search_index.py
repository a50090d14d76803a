"""A trigram text index on projects_project.title_key for substring search (jahesh.core.search):
FTS5 on SQLite, pg_trgm + GIN on PostgreSQL."""

from django.db import migrations

from jahesh.core.search import index_operation


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [index_operation("projects_project", "title_key")]
