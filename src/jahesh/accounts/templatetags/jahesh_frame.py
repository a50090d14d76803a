"""``{% load jahesh_frame %}{% navbar %}``: the page frame's top bar (accounts.frame)."""

from __future__ import annotations

from django import template
from django.template import Context
from django.utils.safestring import SafeString

from jahesh.accounts import frame

register = template.Library()


@register.simple_tag(takes_context=True)
def navbar(context: Context) -> SafeString:
    return frame.navbar(context)
