from __future__ import annotations

from typing import Any

from django import template

from jahesh.core.templatetags.jahesh import num
from jahesh.volunteers.selectors import plain_hours

register = template.Library()


@register.filter
def hours(value: Any) -> str:
    """Hours with Persian digits and no trailing «٫۰» (۸، ۷٫۵)."""
    if value in (None, ""):
        return ""
    return num(plain_hours(value))
