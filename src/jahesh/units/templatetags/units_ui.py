"""A unit's status and risk badges, built in Python: the units list shows both on
each of its 25 rows, and as included partials they were the list's costliest
template nodes (an include, a context and an if-chain per badge)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from jahesh.core.templatetags.jahesh import fa

register = template.Library()

STATUS_CLASS = {
    "active": "text-bg-success",
    "partial": "text-bg-info",
    "stalled": "text-bg-warning",
}
RISK_CLASS = {"high": "text-bg-danger", "watch": "text-bg-warning"}


@register.simple_tag
def status_badge(status: str, label: Any) -> SafeString:
    """``{% status_badge unit.status unit.get_status_display %}``"""
    css = STATUS_CLASS.get(status, "text-bg-secondary")
    return format_html('<span class="badge {}">{}</span>\n', css, label)


@register.simple_tag
def risk_badge(level: str, label: Any, score: int | None) -> SafeString:
    """``{% risk_badge unit.risk_level unit.get_risk_level_display unit.risk_score %}``:
    the level and its score, or «ارزیابی نشده» for a unit never assessed."""
    if not level:
        return format_html(
            '<span class="text-body-secondary small">{}</span>\n', gettext("ارزیابی نشده")
        )
    css = RISK_CLASS.get(level, "text-bg-success")
    shown = format_html(" · {}", fa(score)) if score is not None else ""
    return format_html(
        '<span class="badge {}" title="{}">{}{}</span>\n', css, gettext("امتیاز ریسک"), label, shown
    )
