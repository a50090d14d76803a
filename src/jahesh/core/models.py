"""Base model of every domain record."""

from __future__ import annotations

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("ایجاد", auto_now_add=True, editable=False)
    updated_at = models.DateTimeField("آخرین تغییر", auto_now=True, editable=False)

    class Meta:
        abstract = True
