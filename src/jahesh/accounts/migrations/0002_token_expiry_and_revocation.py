from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models


def expire_unbounded_tokens(apps, schema_editor):
    """Tokens issued before expiry existed live for JAHESH_TOKEN_DAYS from their
    issue, like every token since (an already-old one is then simply expired)."""
    ApiToken = apps.get_model("accounts", "ApiToken")
    days = timedelta(days=settings.JAHESH_TOKEN_DAYS)
    for token in ApiToken.objects.filter(expires_at__isnull=True).only("pk", "created_at"):
        ApiToken.objects.filter(pk=token.pk).update(expires_at=token.created_at + days)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="ابطال"),
        ),
        migrations.RunPython(expire_unbounded_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="انقضا"),
        ),
    ]
