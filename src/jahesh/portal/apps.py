from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "jahesh.portal"
    label = "portal"
    verbose_name = "درگاه عمومی"
