"""``check --deploy``: the captcha's test mode must not be on in production."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

from jahesh.portal.captcha import test_mode


@register(Tags.security, deploy=True)
def captcha_test_mode(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    if test_mode() and not settings.DEBUG:
        return [
            Warning(
                "JAHESH_CAPTCHA_TEST is on with DEBUG off: the public report's captcha "
                "accepts the answer PASSED.",
                hint="Unset JAHESH_CAPTCHA_TEST in production.",
                id="jahesh.W101",
            )
        ]
    return []
