"""Template filters every page uses (loaded as a builtin): Jalali dates, Persian
digits, money. Each one calls the single helper in ``jahesh.core`` that owns
the rule."""

from __future__ import annotations

from django import template

register = template.Library()
